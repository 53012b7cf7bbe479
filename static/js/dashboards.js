// The indicator dashboards' charts (ECharts from static/, Chinese locale): a trend line per card and a bar
// chart of the units one level down; a click on a bar opens that unit's dashboard. Data: #chart-data.
// Drawn when the page loads, and again when a recompute ends and HTMX swaps in #dashboard-body with the
// new figures (templates/dashboards/_indicators_body.html).
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var locale = document.documentElement.lang && document.documentElement.lang.indexOf("zh") === 0 ? "ZH" : "EN";
  var charts = [];
  var drawnFrom = null; // the #chart-data element the charts were drawn from

  function format(value, rate) {
    if (value === null || value === undefined) { return "—"; }
    return rate ? (value * 100).toFixed(1) + "%" : String(Math.round(value));
  }

  function drawTrends(data) {
    document.querySelectorAll("[data-trend]").forEach(function (element) {
      var trend = data.trends[element.getAttribute("data-trend")];
      if (!trend || trend.years.length === 0) { element.textContent = ""; return; }
      var chart = echarts.init(element, null, { locale: locale, renderer: "svg" });
      var series = [{ type: "line", data: trend.values, smooth: false, symbolSize: 5, connectNulls: false,
                      lineStyle: { width: 2 }, areaStyle: { opacity: 0.08 } }];
      if (trend.target !== null) {
        series[0].markLine = { symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#dc3545" },
                               label: { show: false }, data: [{ yAxis: trend.target }] };
      }
      chart.setOption({
        grid: { left: 4, right: 4, top: 8, bottom: 18, containLabel: false },
        xAxis: { type: "category", data: trend.years.map(String), axisTick: { show: false },
                 axisLabel: { fontSize: 10 } },
        yAxis: { type: "value", show: false, min: trend.rate ? 0 : null, max: trend.rate ? 1 : null },
        tooltip: { trigger: "axis", formatter: window.portalChartTooltip(function (v) { return format(v, trend.rate); }) },
        series: series,
      });
      charts.push(chart);
    });
  }

  function drawBars(data) {
    var barElement = document.getElementById("bar-chart");
    var select = document.getElementById("bar-indicator");
    if (!barElement || !select) { return; }
    var bar = echarts.init(barElement, null, { locale: locale, renderer: "svg" });
    var draw = function () {
      var code = select.value;
      var rate = data.indicators.some(function (i) { return i.code === code && i.rate; });
      var rows = data.bars[code] || [];
      bar.setOption({
        grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", formatter: window.portalChartTooltip(function (v) { return format(v, rate); }) },
        xAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
                 axisLabel: { rotate: rows.length > 8 ? 40 : 0, interval: 0, fontSize: 11 } },
        yAxis: { type: "value", max: rate ? 1 : null,
                 axisLabel: { formatter: function (v) { return format(v, rate); } } },
        series: [{ type: "bar", data: rows.map(function (r) { return { value: r.value, url: r.url }; }),
                   cursor: "pointer", itemStyle: { color: "#0d6efd" } }],
      }, true);
    };
    bar.on("click", function (event) {
      if (event.data && event.data.url) { window.location.href = event.data.url + window.location.search; }
    });
    select.addEventListener("change", draw);
    // Open on an indicator that has a bar to show: the first one may have none (no workers recorded yet).
    var known = function (code) { return (data.bars[code] || []).some(function (r) { return r.value !== null; }); };
    if (!known(select.value)) {
      var first = Array.prototype.find.call(select.options, function (option) { return known(option.value); });
      if (first) { select.value = first.value; }
    }
    draw();
    charts.push(bar);
  }

  function drawAll() {
    var source = document.getElementById("chart-data");
    if (!source || source === drawnFrom) { return; }
    drawnFrom = source;
    charts.forEach(function (chart) { chart.dispose(); });
    charts = [];
    var data = JSON.parse(source.textContent);
    drawTrends(data);
    drawBars(data);
    window.portalCharts = charts; // for the browser tests: the charts are there and drawn
  }

  drawAll();
  document.body.addEventListener("htmx:afterSettle", drawAll); // new figures swapped in: draw them
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
