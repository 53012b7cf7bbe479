// Certificate statistics: registrations per month, stacked by type (#stats-data from the page).
(function () {
  "use strict";
  var source = document.getElementById("stats-data");
  var element = document.getElementById("stats-chart");
  if (!source || !element || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var months = [];
  for (var m = 1; m <= 12; m += 1) { months.push(m + "月"); }
  var chart = echarts.init(element, null, { renderer: "svg", locale: "ZH" });
  chart.setOption({
    grid: { left: 8, right: 8, top: 30, bottom: 8, containLabel: true },
    legend: { type: "scroll" },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: months },
    yAxis: { type: "value", minInterval: 1 },
    series: data.by_type.map(function (row) { return { name: row.name, type: "bar", stack: "all", data: row.months }; }),
  });
  window.addEventListener("resize", function () { chart.resize(); });
  window.portalStatsChart = chart;
})();
