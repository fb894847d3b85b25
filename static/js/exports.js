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

  // A document laid out for the first time: say how far the print queue is, then download it.
  var wait = document.querySelector(".document-wait[data-ready-url]");
  if (wait) {
    var waitStatus = wait.querySelector(".wait-status");
    var waitDownload = wait.querySelector(".wait-download");
    var started = Date.now();
    var checkReady = function () {
      fetch(wait.getAttribute("data-ready-url"), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.state === "ready") {
            waitStatus.textContent = "Your PDF is ready and downloading. If it does not start, use the button below.";
            waitDownload.hidden = false;
            window.location.assign(wait.getAttribute("data-download-url"));
            return;
          }
          if (data.state === "failed") {
            waitStatus.textContent = "The PDF could not be made: " + data.message + ". Nothing was lost; you can try again.";
            waitDownload.hidden = false;
            return;
          }
          var seconds = Math.round((Date.now() - started) / 1000);
          var waiting = data.queue ? data.queue.waiting : 0;
          var ahead = waiting ? " " + waiting + (waiting === 1 ? " other document is" : " other documents are") + " waiting to be laid out." : "";
          waitStatus.textContent = "Laying out the pages… (" + seconds + (seconds === 1 ? " second" : " seconds") + " so far)." + ahead;
          window.setTimeout(checkReady, 1000);
        })
        .catch(function () { window.setTimeout(checkReady, 3000); });
    };
    checkReady();
  }

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
