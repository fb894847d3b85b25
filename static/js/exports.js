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
  var startAgain = job.querySelector(".pack-start-again");

  // The server words every state. A finished job (done, or failed with "Start again") stops the
  // polling; a job waiting for a print worker that is not running is asked about less often.
  function poll() {
    fetch(job.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.max = Math.max(data.total, 1);
        bar.value = data.done;
        bar.textContent = data.done + " of " + data.total;
        status.textContent = data.message;
        download.hidden = !data.download;
        startAgain.hidden = !data.start_again;
        if (!data.finished) {
          window.setTimeout(poll, data.waiting_for_worker ? 5000 : 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
