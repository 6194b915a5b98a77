// The admin's own forms: an error summary (#error-summary) takes the focus when the page
// loads, so it is read first, and following one of its links focuses the field itself, not
// only the page position.
(() => {
  "use strict";
  const summary = document.getElementById("error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(link.hash.slice(1));
    if (field) {
      event.preventDefault();
      (field.matches("fieldset") ? field.querySelector("input, select, textarea") : field).focus();
    }
  });
})();
