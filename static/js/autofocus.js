// Move the focus to the element marked data-autofocus-on-load (e.g. the summary of a form's
// errors), so that keyboard and screen reader users land on it. A file, not an inline script:
// the Content Security Policy allows scripts from the product's origin only.
(function () {
  "use strict";
  function focusMarked() {
    var element = document.querySelector("[data-autofocus-on-load]");
    if (element) {
      element.focus();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusMarked);
  } else {
    focusMarked();
  }
})();
