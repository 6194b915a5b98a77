// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to a form's error summary, or to a confirmation, so it is read first.
    var target = document.querySelector("[data-error-summary]") ||
      document.querySelector("[data-focus-on-load]");
    if (target) {
      target.focus();
    }
    // Error summary links put focus into the field and keep its label in view.
    document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (!field) {
          return;
        }
        event.preventDefault();
        var label = document.querySelector("label[for='" + field.id + "']");
        var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
        (legend || label || field).scrollIntoView();
        field.focus({ preventScroll: true });
      });
    });
  });
})();
