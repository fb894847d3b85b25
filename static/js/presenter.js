// The presenter view of a lesson's slides: one slide at a time, fitted to the window.
// Arrow keys, Page Up/Down, space, Home and End move; N shows the speaker notes under the slide;
// F goes full screen. The slide's number is in the address (#slide-3), so a reload stays put.
// Without this script the page shows every slide one after the other, with its notes.
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  if (!slides.length) return;
  var body = document.body;
  var position = document.querySelector(".presenter-position");
  var notesButton = document.querySelector(".presenter-notes-toggle");
  var fullButton = document.querySelector(".presenter-fullscreen");
  var current = 0;
  var panel = document.createElement("aside");
  panel.className = "notes-panel";
  panel.setAttribute("aria-label", "Speaker notes");
  body.appendChild(panel);
  body.classList.add("js");

  function fit() {
    var bar = document.querySelector(".presenter-bar");
    var top = bar ? bar.offsetHeight : 0;
    var notes = body.classList.contains("show-notes") ? 0.3 : 0;
    var width = window.innerWidth;
    var height = (window.innerHeight - top) * (1 - notes);
    var scale = Math.min(width / 1280, height / 720);
    document.documentElement.style.setProperty("--scale", String(scale));
    document.documentElement.style.setProperty("--stage-top", top + "px");
    document.documentElement.style.setProperty("--stage-height", height + "px");
  }

  function show(index, moveFocus) {
    current = Math.max(0, Math.min(slides.length - 1, index));
    slides.forEach(function (slide, i) {
      slide.classList.toggle("current", i === current);
      slide.setAttribute("aria-hidden", i === current ? "false" : "true");
    });
    var title = slides[current].querySelector("h1, h2");
    if (position) {
      position.textContent = "Slide " + (current + 1) + " of " + slides.length +
        (title ? ": " + title.textContent : "");
    }
    if (window.history && history.replaceState) {
      history.replaceState(null, "", "#slide-" + (current + 1));
    }
    var notes = slides[current].querySelector(".notes");
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    if (notes) {
      Array.prototype.forEach.call(notes.childNodes, function (node) {
        panel.appendChild(node.cloneNode(true));
      });
    }
    fit();  // the bar's height follows the title it shows
    if (moveFocus) slides[current].focus();
  }

  function toggleNotes() {
    var on = body.classList.toggle("show-notes");
    if (notesButton) {
      notesButton.setAttribute("aria-pressed", on ? "true" : "false");
      notesButton.textContent = on ? "Hide notes" : "Show notes";
    }
    fit();
  }

  function toggleFullScreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target && (target.tagName === "BUTTON" || target.tagName === "A") &&
        (event.key === " " || event.key === "Enter")) return;
    switch (event.key) {
      case "ArrowRight": case "ArrowDown": case "PageDown": case " ":
        show(current + 1, true); break;
      case "ArrowLeft": case "ArrowUp": case "PageUp": case "Backspace":
        show(current - 1, true); break;
      case "Home": show(0, true); break;
      case "End": show(slides.length - 1, true); break;
      case "n": case "N": toggleNotes(); break;
      case "f": case "F": toggleFullScreen(); break;
      default: return;
    }
    event.preventDefault();
  });
  slides.forEach(function (slide, i) {
    slide.setAttribute("tabindex", "-1");
    slide.addEventListener("click", function () { show(i + 1, true); });
  });
  if (notesButton) notesButton.addEventListener("click", toggleNotes);
  if (fullButton) fullButton.addEventListener("click", toggleFullScreen);
  window.addEventListener("resize", fit);
  var match = /#slide-(\d+)$/.exec(window.location.hash);
  show(match ? parseInt(match[1], 10) - 1 : 0, false);
})();
