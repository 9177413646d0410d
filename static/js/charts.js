/*
 * Charts of a list's breakdown (public list page), drawn with the vendored Apache ECharts
 * (static/vendor/echarts, copied from npm by `npm run vendor`). Progressive enhancement: the tables next to the
 * charts hold the same figures, so nothing is lost without script. No inline script or style: data comes from
 * data-* attributes, and ECharts' canvas renderer sets styles through the CSSOM, which a strict CSP allows.
 * No tooltip (its HTML would carry inline styles); the values are drawn as labels instead.
 *
 * Also binds [data-print] buttons to window.print().
 */
(function () {
  "use strict";

  var BLUE = "#0d4a8f";
  var PALETTE = ["#0d4a8f", "#b5121b", "#c77700", "#2e7d32", "#6a4c93", "#4f5866"];

  function readData(el) {
    try {
      return JSON.parse(el.getAttribute("data-chart-data") || "{}");
    } catch (e) {
      return null;
    }
  }

  function barOption(data, unit) {
    return {
      animation: false,
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      xAxis: {
        type: "category",
        data: data.labels,
        axisTick: { show: false },
        axisLabel: { color: "#1f2329", fontSize: 13 },
      },
      yAxis: {
        type: "value",
        minInterval: 1,
        axisLabel: { color: "#4f5866" },
        splitLine: { lineStyle: { color: "#d3d9e2" } },
      },
      series: [
        {
          type: "bar",
          data: data.values,
          barMaxWidth: 48,
          itemStyle: { color: BLUE },
          label: {
            show: true,
            position: "top",
            color: "#1f2329",
            formatter: function (p) {
              var share = data.shares ? data.shares[p.dataIndex] : null;
              return p.value + unit + (share !== null && share !== undefined ? " · " + share + "%" : "");
            },
          },
        },
      ],
    };
  }

  function pieOption(data, unit, otherLabel, total) {
    var items = [];
    var inAreas = 0;
    for (var i = 0; i < data.labels.length; i += 1) {
      if (data.values[i] > 0) {
        items.push({ name: data.labels[i], value: data.values[i] });
        inAreas += data.values[i];
      }
    }
    if (total > inAreas) {
      items.push({ name: otherLabel, value: total - inAreas, itemStyle: { color: "#b8c2d0" } });
    }
    return {
      animation: false,
      color: PALETTE,
      series: [
        {
          type: "pie",
          radius: ["35%", "62%"],
          data: items,
          label: {
            color: "#1f2329",
            formatter: function (p) {
              return p.name + "\n" + p.value + unit + " · " + p.percent + "%";
            },
          },
        },
      ],
    };
  }

  function draw() {
    if (!window.echarts) {
      return;
    }
    var groups = document.querySelectorAll("[data-charts]");
    for (var g = 0; g < groups.length; g += 1) {
      groups[g].hidden = false;
    }
    var charts = [];
    var nodes = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < nodes.length; i += 1) {
      var el = nodes[i];
      var data = readData(el);
      if (!data || !data.labels) {
        continue;
      }
      var unit = el.getAttribute("data-chart-unit") || "";
      var option =
        el.getAttribute("data-chart") === "pie"
          ? pieOption(data, unit, el.getAttribute("data-chart-other") || "", Number(el.getAttribute("data-chart-total") || 0))
          : barOption(data, unit);
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      charts.push(chart);
    }
    window.addEventListener("resize", function () {
      for (var c = 0; c < charts.length; c += 1) {
        charts[c].resize();
      }
    });
  }

  function bindPrint() {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i += 1) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () {
        window.print();
      });
    }
  }

  function start() {
    bindPrint();
    draw();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
