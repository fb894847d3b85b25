// A Copy button beside a read-only field (a share link, a new API token). Without JavaScript
// the button stays hidden and the field is selectable. The button's data-copied says what to
// do with the copied text.
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
        function () { say(button.dataset.copied || "Copied."); },
        function () { say("Could not copy: the text is selected, press Ctrl+C (or Cmd+C)."); }
      );
    } else {
      say("The text is selected: press Ctrl+C (or Cmd+C) to copy it.");
    }
  });
})();
