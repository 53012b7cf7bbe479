// The print button of a printable page (a certificate, a route slip): <button data-print>, no inline handler (CSP).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
