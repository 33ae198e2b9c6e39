// Inline SVG charts for the Heimdex dashboard: stacked daily bars, a percentile strip and a split bar.
"use strict";

window.HX = window.HX || {};

(function (HX) {
  const NS = "http://www.w3.org/2000/svg";

  /** An SVG element with attributes; `title` becomes a tooltip child. */
  const svg = (tag, attrs = {}, ...children) => {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "title") node.appendChild(svg("title")).textContent = v;
      else if (k === "text") node.textContent = v;
      else if (v !== null && v !== undefined) node.setAttribute(k, v);
    }
    for (const c of children.flat()) if (c) node.appendChild(c);
    return node;
  };

  /** Every UTC day (YYYY-MM-DD) from `days` days ago to today, ascending. */
  HX.daysBack = (days, now = new Date()) => {
    const out = [];
    for (let i = days; i >= 0; i--) {
      out.push(new Date(now.getTime() - i * 86400000).toISOString().slice(0, 10));
    }
    return out;
  };

  /**
   * The API's sparse series (days without rows omitted, any order) as one row per day of the
   * window, ascending, with `zero` filling the missing days.
   */
  HX.fillDays = (rows, days, zero) => {
    const byDay = new Map(rows.map((r) => [r.day, r]));
    return HX.daysBack(days).map((day) => byDay.get(day) || Object.assign({ day }, zero));
  };

  /** A "nice" axis maximum at or above `v`. */
  const niceMax = (v) => {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v);
  };

  /**
   * Stacked daily bars. `series` are {key, label, cls}; `rows` one per day, ascending.
   * Each bar has a tooltip with the day and every series' value.
   */
  HX.barChart = (testid, rows, series, format = HX.int) => {
    const W = 560, H = 200, L = 44, B = 22, T = 8;
    const top = niceMax(Math.max(0, ...rows.map((r) => series.reduce((s, x) => s + (r[x.key] || 0), 0))));
    // Counts get at least 0/1/2 on the axis: with a maximum of 1 the middle line would read "1" too.
    const max = format === HX.int ? Math.max(top, 2) : top;
    const step = (W - L) / Math.max(rows.length, 1);
    const bw = Math.max(1, step * 0.8);
    const y = (v) => T + (H - T - B) * (1 - v / max);
    const grid = [0, max / 2, max].map((v) =>
      svg("g", {},
        svg("line", { x1: L, x2: W, y1: y(v), y2: y(v), class: "grid" }),
        svg("text", { x: L - 4, y: y(v) + 4, class: "axis", "text-anchor": "end", text: format(v) }))
    );
    const bars = rows.map((r, i) => {
      let base = 0;
      const x = L + i * step + (step - bw) / 2;
      const tip = r.day + ": " + series.map((s) => s.label + " " + format(r[s.key] || 0)).join(", ");
      return svg("g", { "data-day": r.day },
        series.map((s) => {
          const v = r[s.key] || 0;
          const rect = svg("rect", { x, width: bw, y: y(base + v), height: y(base) - y(base + v), class: s.cls, title: tip });
          base += v;
          return rect;
        }),
        svg("rect", { x: L + i * step, width: step, y: T, height: H - T - B, class: "hit", title: tip }));
    });
    const ticks = rows.length ? [0, Math.floor((rows.length - 1) / 2), rows.length - 1] : [];
    const anchor = (i) => (i === 0 ? "start" : i === rows.length - 1 ? "end" : "middle");
    const xOf = (i) => (i === 0 ? L + i * step : i === rows.length - 1 ? L + (i + 1) * step : L + i * step + step / 2);
    const labels = [...new Set(ticks)].map((i) =>
      svg("text", { x: xOf(i), y: H - 6, class: "axis", "text-anchor": anchor(i), text: rows[i].day.slice(5) }));
    const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "data-testid": testid,
      "aria-label": series.map((s) => s.label).join(" and ") + " per day" }, grid, bars, labels);
    const legend = HX.el("div", { class: "legend" },
      series.map((s) => HX.el("span", { class: "key " + s.cls, text: s.label })));
    return HX.el("div", { class: "chart-wrap" }, chart, legend);
  };

  /**
   * A strip with markers at named values (e.g. RTF p50/p95/p99) and a reference line (e.g. RTF 1,
   * real time). Markers for null values are left out.
   */
  HX.strip = (testid, marks, reference, format) => {
    const W = 360, H = 56, L = 10, R = 10;
    const present = marks.filter((m) => typeof m.value === "number");
    const max = niceMax(Math.max(reference || 0, ...present.map((m) => m.value)) * 1.1);
    const x = (v) => L + (W - L - R) * (v / max);
    // The reference's label goes on the side of its line with room for it.
    const labelRight = reference && x(reference) < W / 2;
    return svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "strip", role: "img", "data-testid": testid,
      "aria-label": "distribution" },
      svg("line", { x1: L, x2: W - R, y1: 30, y2: 30, class: "grid" }),
      reference
        ? svg("g", {},
            svg("line", { x1: x(reference), x2: x(reference), y1: 14, y2: 46, class: "ref" }),
            svg("text", { x: x(reference) + (labelRight ? 4 : -4), y: 12, "text-anchor": labelRight ? "start" : "end",
              class: "axis", text: "real time " + format(reference) }))
        : null,
      present.map((m, i) =>
        svg("g", {},
          svg("circle", { cx: x(m.value), cy: 30, r: 5, class: m.cls, title: m.label + " " + format(m.value) }),
          svg("text", { x: x(m.value), y: i % 2 ? 20 : 48, "text-anchor": "middle", class: "axis", text: m.label }))),
      svg("text", { x: L, y: 54, class: "axis", text: "0" }),
      svg("text", { x: W - R, y: 54, class: "axis", "text-anchor": "end", text: format(max) }));
  };

  /** One bar split in two shares (percentages), e.g. queue vs processing time. */
  HX.split = (testid, a, b) => {
    const W = 360, H = 28;
    const pa = typeof a.pct === "number" ? Math.max(0, Math.min(100, a.pct)) : 0;
    const pb = typeof b.pct === "number" ? Math.max(0, Math.min(100, b.pct)) : 0;
    const total = pa + pb || 1;
    const wa = (W * pa) / total;
    return svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "split", role: "img", "data-testid": testid,
      "aria-label": a.label + " vs " + b.label },
      svg("rect", { x: 0, y: 0, width: wa, height: H, class: a.cls, title: a.label + " " + HX.pct(a.pct) }),
      svg("rect", { x: wa, y: 0, width: W - wa, height: H, class: b.cls, title: b.label + " " + HX.pct(b.pct) }));
  };
})(window.HX);
