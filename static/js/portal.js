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

// A field shown only while another field of its form has a value (data-shown-when-name / -value on the input, as
// the committee picker does for itself): its row (label, errors, help) is hidden otherwise, and the field disabled,
// so that the form does not send what was chosen in it before. Without JavaScript every field shows.
(function () {
  "use strict";
  function setUp(input) {
    var form = input.form || input.closest("form");
    var name = input.getAttribute("data-shown-when-name");
    var expected = input.getAttribute("data-shown-when-value");
    if (!form || !name) { return; }
    var apply = function () {
      var field = form.elements.namedItem(name);
      input.parentElement.hidden = !field || field.value !== expected;
      input.disabled = input.parentElement.hidden;
    };
    form.addEventListener("change", function (event) {
      if (event.target.name === name) { apply(); }
    });
    apply();
  }
  function setUpAll(root) {
    (root || document).querySelectorAll("select[data-shown-when-name], input[data-shown-when-name]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUpAll(); });
  } else {
    setUpAll();
  }
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
})();
// What templates once did inline, which the Content-Security-Policy refuses (issue 13): no on*= handler, no
// style="" attribute. A form marked data-no-submit is never sent (htmx reads its fields as they are typed); a
// progress bar's width is its data-progress (percent), on the page and in every part htmx swaps in.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    if (event.target instanceof HTMLFormElement && event.target.hasAttribute("data-no-submit")) {
      event.preventDefault();
    }
  });

  function sizeBars(root) {
    var bars = root.querySelectorAll ? root.querySelectorAll(".progress-bar[data-progress]") : [];
    Array.prototype.forEach.call(bars, function (bar) {
      var percent = Math.max(0, Math.min(100, Number(bar.getAttribute("data-progress")) || 0));
      bar.style.width = percent + "%"; // the CSSOM, which the policy allows
    });
  }
  sizeBars(document);
  document.addEventListener("htmx:load", function (event) { sizeBars(event.target); });
})();

// An ECharts "axis" tooltip as elements: ECharts' own is HTML with style="" attributes, which the policy refuses.
// `valueFormatter` (optional) writes each value. The marker's colour is set through the CSSOM.
window.portalChartTooltip = function (valueFormatter) {
  "use strict";
  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  return function (params) {
    var list = Array.isArray(params) ? params : [params];
    var box = element("div", "chart-tip");
    if (list.length) { box.appendChild(element("div", "chart-tip-title", list[0].axisValueLabel || list[0].name || "")); }
    list.forEach(function (item) {
      var row = element("div", "chart-tip-row");
      var marker = element("span", "chart-tip-marker");
      if (typeof item.color === "string") { marker.style.backgroundColor = item.color; }
      row.appendChild(marker);
      // An unnamed series is "series\u00000" to ECharts: no name is shown for it.
      var named = item.seriesName && item.seriesName.indexOf("series\u0000") !== 0;
      row.appendChild(element("span", "chart-tip-name", named ? item.seriesName : ""));
      var value = Array.isArray(item.value) ? item.value[item.value.length - 1] : item.value;
      row.appendChild(element("span", "chart-tip-value", valueFormatter ? valueFormatter(value) : (value === null || value === undefined ? "—" : String(value))));
      box.appendChild(row);
    });
    return box;
  };
};
