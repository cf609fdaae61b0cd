/* Move the keyboard focus (and the screen reader) to a message the page was reloaded to show,
   such as the reason a payment was refused: [data-focus-on-load] with tabindex="-1". */
(function () {
  "use strict";
  function focusAlert() {
    var target = document.querySelector("[data-focus-on-load]");
    if (!target) { return; }
    target.focus();
    target.scrollIntoView({ block: "start" });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusAlert);
  } else {
    focusAlert();
  }
})();
