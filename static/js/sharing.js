// Share links: a Copy button beside the link (without JavaScript the field is selectable).
(function () {
  "use strict";

  var field = document.querySelector("[data-copy-source]");
  var button = document.querySelector("[data-copy-button]");
  if (!field || !button) {
    return;
  }
  var status = document.querySelector(".copy-status");
  var say = function (text) {
    if (status) {
      status.textContent = text;
    }
  };
  field.addEventListener("focus", function () { field.select(); });
  button.hidden = false;
  button.addEventListener("click", function () {
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { say("Copied. Paste it into an email or a message to colleagues."); },
        function () { say("Could not copy: the link is selected, press Ctrl+C (or Cmd+C)."); }
      );
    } else {
      say("The link is selected: press Ctrl+C (or Cmd+C) to copy it.");
    }
  });
})();
