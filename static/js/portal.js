// One submit, one record (issue 12): a form's submit buttons are disabled while its request is in flight, so a
// double click sends it once (the server's one-time token catches what gets through: portal.core.views.submit_once).
// Plain POST forms only: htmx forms use hx-disabled-elt, and htmx (like a cancelled data-confirm) prevents the
// default, which this listener, in the bubbling phase, sees.
(function () {
  "use strict";
  var MARK = "data-submitting";

  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "submit" && !element.disabled;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
      return;
    }
    // After this task: the form's data is read first, with the name and value of the button that was pressed
    // (a disabled button is left out of it).
    window.setTimeout(function () {
      submitButtons(form).forEach(function (button) {
        button.disabled = true;
        button.setAttribute(MARK, "");
      });
      form.setAttribute("aria-busy", "true");
    }, 0);
  });

  // Back to a page kept by the browser (back button): its buttons work again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("[" + MARK + "]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute(MARK);
    });
    document.querySelectorAll("form[aria-busy]").forEach(function (form) { form.removeAttribute("aria-busy"); });
  });
})();
