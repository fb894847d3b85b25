// Print packs: "select all" on the pack page and a live progress bar on the job page.
(function () {
  "use strict";

  document.querySelectorAll("[data-select-all]").forEach(function (button) {
    var name = button.getAttribute("data-select-all");
    button.hidden = false;
    button.addEventListener("click", function () {
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = true;
      });
    });
  });

  var job = document.querySelector(".pack-job[data-status-url]");
  if (!job) {
    return;
  }
  var bar = job.querySelector("progress");
  var status = job.querySelector(".pack-status");
  var download = job.querySelector(".pack-download");

  function poll() {
    fetch(job.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.max = Math.max(data.total, 1);
        bar.value = data.done;
        bar.textContent = data.done + " of " + data.total;
        if (data.status === "done") {
          status.textContent = "Ready. " + data.message;
          download.hidden = false;
        } else if (data.status === "failed") {
          status.textContent = data.message;
        } else {
          status.textContent = data.status === "running"
            ? "Printing: " + data.done + " of " + data.total + " lessons done."
            : "Waiting for the print worker to start.";
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
