// The lesson builder's enhancements. Everything here also works without JavaScript:
// the Move buttons reorder, the Save button saves; this adds drag and drop, a live time
// budget and autosave of drafts.
(function () {
  "use strict";
  const form = document.getElementById("editor");
  if (!form) return;
  const list = document.getElementById("items");
  const status = document.getElementById("autosave-status");
  let dirty = false;
  let saving = false;

  // Live time budget: add up the minutes inputs as they change.
  const budget = document.getElementById("time-budget");
  const meter = document.getElementById("time-meter");
  function updateTime() {
    const period = parseInt(document.getElementById("minutes").value, 10) || 0;
    let used = 0;
    form.querySelectorAll(".minutes-input").forEach(function (input) {
      used += parseInt(input.value, 10) || 0;
    });
    document.getElementById("time-used").textContent = used;
    document.getElementById("time-period").textContent = period;
    meter.max = Math.max(period, used);
    meter.low = period - 1;
    meter.high = period;
    meter.optimum = period;
    meter.value = used;
    const text = used > period ? (used - period) + " minutes over the " + period + "-minute period"
      : used < period ? (period - used) + " minutes left to fill" : "Fits the period exactly";
    document.getElementById("time-status").textContent = text;
    budget.classList.remove("time-over", "time-under", "time-exact");
    budget.classList.add(used > period ? "time-over" : used < period ? "time-under" : "time-exact");
  }
  form.addEventListener("input", function (event) {
    dirty = true;
    if (event.target.classList.contains("minutes-input") || event.target.id === "minutes") updateTime();
  });

  // Autosave: every 15 seconds while there are unsaved changes, keep a draft on the server.
  // A 409 means the lesson was saved elsewhere since this page was opened: no draft is kept
  // from here on, the text stays on the page and Save shows the conflict page to merge it.
  let stale = false;
  function autosave() {
    if (!dirty || saving || stale) return;
    saving = true;
    const data = new FormData(form);
    data.delete("action");
    fetch(form.dataset.autosave, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": data.get("csrf_token") },
    }).then(function (response) {
      if (response.status === 409) {
        return response.json().then(function (body) { stale = true; status.textContent = body.message; });
      }
      if (!response.ok) throw new Error(response.status);
      return response.json().then(function (body) {
        dirty = false;
        status.textContent = "Draft kept at " + body.saved_at + ". Save to make it a version.";
      });
    }).catch(function () {
      status.textContent = "Could not keep a draft just now; your text is still here. Save when you can.";
    }).finally(function () { saving = false; });
  }
  setInterval(autosave, 15000);
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  // Drag and drop reordering: submits the new order as one saved version.
  let dragged = null;
  list.querySelectorAll(".builder-item").forEach(function (item) {
    item.setAttribute("draggable", "true");
    item.addEventListener("dragstart", function (event) {
      if (event.target.closest("input, textarea, select, button, summary")) { event.preventDefault(); return; }
      dragged = item;
      item.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.index);
    });
    item.addEventListener("dragend", function () {
      item.classList.remove("dragging");
      list.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
    });
    item.addEventListener("dragover", function (event) {
      if (!dragged || dragged === item) return;
      event.preventDefault();
      item.classList.add("drop-target");
    });
    item.addEventListener("dragleave", function () { item.classList.remove("drop-target"); });
    item.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!dragged || dragged === item) return;
      const rect = item.getBoundingClientRect();
      const after = event.clientY > rect.top + rect.height / 2;
      list.insertBefore(dragged, after ? item.nextSibling : item);
      const order = Array.from(list.querySelectorAll(".builder-item")).map(function (el) { return el.dataset.index; });
      document.getElementById("order").value = order.join(",");
      const button = document.createElement("input");
      button.type = "hidden";
      button.name = "action";
      button.value = "reorder";
      form.appendChild(button);
      dirty = false;
      form.submit();
    });
  });
})();
