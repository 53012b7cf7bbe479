// The committee tree picker (portal/core/widgets.py CommitteePicker, templates/includes/committee_picker.html).
// Without this script it is checkboxes grouped by street; with it: a search by name or code (normalised as the
// server normalises: full-width digits, invisible characters, spaces), a checkbox that chooses a whole street or
// district, a button that chooses every committee offered, the count of what is chosen, and, with
// data-shown-when-*, the picker only while the form's scope field asks for committees (hidden, its checkboxes are disabled: the form does not send them). Loaded by each picker on the page: it runs once, and sets up each picker once.
(function () {
  "use strict";
  if (window.portalCommitteePicker) { return; }
  window.portalCommitteePicker = true;

  var READY = "data-picker-ready";

  function normalise(text) {
    // NFKC (３１０１ is 3101), format characters (zero-width spaces, BOM) and every space removed, lower case.
    return (text || "").normalize("NFKC").replace(/[\p{Cf}\s]/gu, "").toLowerCase();
  }

  function boxes(root) {
    return Array.prototype.slice.call(root.querySelectorAll("input[type=checkbox][name]"));
  }

  function setUp(picker) {
    if (picker.hasAttribute(READY)) { return; }
    picker.setAttribute(READY, "");
    var tools = picker.querySelector("[data-picker-tools]");
    var search = picker.querySelector("[data-picker-search]");
    var count = picker.querySelector("[data-picker-count]");
    var none = picker.querySelector("[data-picker-none]");
    var all = boxes(picker);
    var groups = Array.prototype.map.call(picker.querySelectorAll("details"), function (details) {
      var summary = details.querySelector("summary");
      var name = Array.prototype.filter.call(summary.childNodes, function (node) { return node.nodeType === 3; })
        .map(function (node) { return node.textContent; }).join("");
      return {
        details: details,
        toggle: summary.querySelector("[data-picker-all]"),
        number: summary.querySelector("[data-picker-n]"),
        boxes: boxes(details),
        text: normalise(name),  // a code needs no more: a committee's code starts with its street's and district's
        hit: false,
        found: false,
      };
    });
    // What each committee is found by: its name and code, or its street's or district's name.
    var items = all.map(function (box) {
      return { box: box, label: box.closest("label"), text: normalise(box.parentNode.textContent + box.value),
               owners: [] };
    });
    var byBox = new Map(items.map(function (item) { return [item.box, item]; }));
    groups.forEach(function (group) {
      group.boxes.forEach(function (box) { byBox.get(box).owners.push(group); });
    });

    function refresh() {
      var chosen = 0;
      all.forEach(function (box) { if (box.checked) { chosen += 1; } });
      count.textContent = picker.getAttribute("data-count-template").replace("{n}", chosen);
      groups.forEach(function (group) {
        var n = group.boxes.filter(function (box) { return box.checked; }).length;
        group.number.textContent = n + "/" + group.boxes.length;
        group.toggle.checked = n > 0 && n === group.boxes.length;
        group.toggle.indeterminate = n > 0 && n < group.boxes.length;
      });
    }

    function filter() {
      var query = normalise(search.value);
      var shown = 0;
      groups.forEach(function (group) {
        group.hit = Boolean(query) && group.text.indexOf(query) !== -1;
        group.found = false;
      });
      items.forEach(function (item) {
        var hit = !query || item.text.indexOf(query) !== -1 || item.owners.some(function (group) { return group.hit; });
        item.label.hidden = !hit;
        if (hit) {
          shown += 1;
          item.owners.forEach(function (group) { group.found = true; });
        }
      });
      groups.forEach(function (group) {
        group.details.hidden = !group.found;
        if (query && group.found && !group.details.open) {
          group.details.open = true;
          group.details.setAttribute("data-picker-opened", "");
        } else if (!query && group.details.hasAttribute("data-picker-opened")) {
          group.details.open = false;
          group.details.removeAttribute("data-picker-opened");
        }
      });
      if (none) { none.hidden = shown > 0; }
    }

    groups.forEach(function (group) {
      group.toggle.hidden = false;
      group.toggle.addEventListener("change", function () {
        // The whole street or district, what the search hides included.
        group.boxes.forEach(function (box) { box.checked = group.toggle.checked; });
        refresh();
      });
    });
    picker.addEventListener("change", function (event) {
      if (event.target.hasAttribute("name")) { refresh(); }
    });
    var timer = null;
    search.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(filter, 150);
    });
    // Enter in the search box filters; it never submits the form.
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); window.clearTimeout(timer); filter(); }
    });
    picker.querySelector("[data-picker-clear]").addEventListener("click", function () {
      all.forEach(function (box) { box.checked = false; });
      refresh();
    });
    // Every committee offered, what the search hides included (the button says how many).
    var every = picker.querySelector("[data-picker-every]");
    if (every) {
      every.addEventListener("click", function () {
        all.forEach(function (box) { box.checked = true; });
        refresh();
      });
    }
    tools.hidden = false;
    refresh();

    var name = picker.getAttribute("data-shown-when-name");
    var form = picker.closest("form");
    if (name && form) {
      var row = picker.parentElement;
      var expected = picker.getAttribute("data-shown-when-value");
      var apply = function () {
        var field = form.elements.namedItem(name);
        row.hidden = !field || field.value !== expected;
        // A hidden picker sends nothing: what was ticked before the scope changed is not the scope's.
        all.forEach(function (box) { box.disabled = row.hidden; });
      };
      form.addEventListener("change", function (event) {
        if (event.target.name === name) { apply(); }
      });
      apply();
    }
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("[data-committee-picker]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUpAll(); });
  } else {
    setUpAll();
  }
  // A form swapped in by htmx brings its picker.
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
})();
