// Certificate statistics: registrations per month, stacked by type (#stats-data from the page).
(function () {
  "use strict";
  var source = document.getElementById("stats-data");
  var element = document.getElementById("stats-chart");
  if (!source || !element || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var months = [];
  for (var m = 1; m <= 12; m += 1) { months.push(m + (document.documentElement.lang.indexOf("zh") === 0 ? "月" : "")); }
  var chart = echarts.init(element, null, { renderer: "svg", locale: "ZH" });
  chart.setOption({
    // The legend has its own strip above the plot (one scrolling line however many types), never over the bars.
    grid: { left: 8, right: 8, top: 56, bottom: 8, containLabel: true },
    legend: { type: "scroll", top: 0, left: 8, right: 8 },
    tooltip: { trigger: "axis", formatter: window.portalChartTooltip() },
    xAxis: { type: "category", data: months },
    yAxis: { type: "value", minInterval: 1 },
    series: data.by_type.map(function (row) { return { name: row.name, type: "bar", stack: "all", data: row.months }; }),
  });
  window.addEventListener("resize", function () { chart.resize(); });
  window.portalStatsChart = chart;
})();
