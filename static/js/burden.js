// The burden meter: hours per month of dispatched tasks this year, with last year's beside them (#burden-data).
(function () {
  "use strict";
  var source = document.getElementById("burden-data");
  var element = document.getElementById("burden-chart");
  if (!source || !element || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var months = [];
  for (var m = 1; m <= 12; m += 1) { months.push(m + (document.documentElement.lang.indexOf("zh") === 0 ? "月" : "")); }
  var reportedRow = document.querySelector("#burden-reported th");
  var reportedName = reportedRow ? reportedRow.textContent.trim() : "reported";
  var chart = echarts.init(element, null, { renderer: "svg", locale: "ZH" });
  chart.setOption({
    grid: { left: 8, right: 8, top: 44, bottom: 8, containLabel: true },
    legend: { top: 0, data: [String(data.year - 1), String(data.year), reportedName] },
    tooltip: { trigger: "axis", formatter: window.portalChartTooltip() },
    xAxis: { type: "category", data: months },
    yAxis: { type: "value", name: "h" },
    series: [
      { name: String(data.year - 1), type: "bar", data: data.previous, itemStyle: { color: "#adb5bd" } },
      { name: String(data.year), type: "bar", data: data.current, itemStyle: { color: "#0d6efd" } },
      // The hours the committees reported for the tasks they finished (#burden-reported names the row).
      { name: reportedName, type: "line", data: data.reported || [], itemStyle: { color: "#198754" } },
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
  window.portalBurdenChart = chart;
})();
