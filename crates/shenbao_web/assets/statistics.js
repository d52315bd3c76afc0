// shenbao: the statistics pages' charts, drawn with ECharts (/assets/echarts.min.js) from the
// tables beside them. The tables hold the figures; this only draws them, so a page without
// scripts (or with ECharts failing) still has every number.
"use strict";

(function () {
  if (typeof window.echarts === "undefined") return;
  const palette = ["#1456a6", "#a61b1b", "#1a7f37", "#8a5300", "#6b3fa0", "#00838f", "#c2185b", "#546e7a"];

  // The rows of a statistics table: [label, count].
  function rows(table) {
    return Array.from(table.tBodies[0].rows).map((tr) => [
      tr.cells[0].textContent.trim(),
      Number(tr.querySelector("[data-n]").dataset.n),
    ]);
  }

  function option(kind, data) {
    const names = data.map((d) => d[0]);
    const values = data.map((d) => d[1]);
    const base = { color: palette, animation: false, tooltip: {}, textStyle: { fontFamily: "inherit" } };
    if (kind === "pie") {
      return Object.assign(base, {
        tooltip: { trigger: "item", formatter: "{b}：{c}项（{d}%）" },
        legend: { bottom: 0, type: "scroll" },
        series: [{
          type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"],
          label: { formatter: "{b}\n{c}" },
          data: data.filter((d) => d[1] > 0).map((d) => ({ name: d[0], value: d[1] })),
        }],
      });
    }
    if (kind === "line") {
      return Object.assign(base, {
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 24, top: 24, bottom: 56 },
        xAxis: { type: "category", data: names, axisLabel: { hideOverlap: true } },
        yAxis: { type: "value", minInterval: 1 },
        dataZoom: names.length > 31 ? [{ type: "slider", bottom: 8 }] : [],
        series: [{ type: "bar", name: "申报数", data: values, barMaxWidth: 24 }],
      });
    }
    // Horizontal bars, in the table's order from the top.
    return Object.assign(base, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: names.slice().reverse(), axisLabel: { width: 160, overflow: "truncate" } },
      series: [{
        type: "bar", name: "申报数", data: values.slice().reverse(), barMaxWidth: 20,
        label: { show: true, position: "right" },
      }],
    });
  }

  const charts = [];
  for (const box of document.querySelectorAll(".stat-chart[data-chart]")) {
    const table = document.getElementById(box.dataset.table);
    if (!table) continue;
    const data = rows(table);
    box.classList.add("drawn");
    // A bar per row: tall enough for every label of a province's cities or a long list.
    if (box.dataset.chart === "bar") box.classList.add("rows-" + Math.min(4, Math.ceil(data.length / 12)));
    const chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(option(box.dataset.chart, data));
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
