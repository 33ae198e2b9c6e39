// The Heimdex dashboard's panels: KPI cards, latency, RTF, queue split, failures, per-stage
// latency, throughput and search charts. Each takes one admin API answer and draws it.
"use strict";

window.HX = window.HX || {};

(function (HX) {
  const el = (...a) => HX.el(...a);
  HX.panels = HX.panels || {};

  const kpi = (label, testid, raw, format, ...sub) =>
    el("div", { class: "card kpi" }, el("div", { class: "label", text: label }), HX.value(testid, raw, format),
      sub.length ? el("div", { class: "sub" }, sub) : null);

  const subStat = (label, testid, raw, format) =>
    el("span", { class: "substat" }, label + " ", HX.value(testid, raw, format));

  HX.panels.overview = (o) => {
    const success = o.videos_total > 0 ? (o.videos_ready_total / o.videos_total) * 100 : 0;
    HX.panelBody("overview").replaceChildren(
      kpi("Videos", "kpi-videos", o.videos_total, HX.int,
        subStat("ready", "kpi-ready", o.videos_ready_total, HX.int),
        subStat("failed", "kpi-failed", o.videos_failed_total, HX.int)),
      kpi("Success rate", "kpi-success-rate", success, HX.pct, "ready of all videos"),
      kpi("Failure rate", "kpi-failure-rate", o.failure_rate_pct, HX.pct, "failed of all videos"),
      kpi("Hours processed", "kpi-hours", o.hours_ready_total, HX.hours, "video hours ready"),
      kpi("Searches (7 days)", "kpi-searches-7d", o.searches_7d, HX.int,
        subStat("avg", "kpi-search-latency-7d", o.avg_search_latency_ms_7d, HX.ms),
        subStat("· 30 days", "kpi-searches-30d", o.searches_30d, HX.int),
        subStat("avg", "kpi-search-latency-30d", o.avg_search_latency_ms_30d, HX.ms))
    );
  };

  const stats = (...items) => el("div", { class: "stats" }, items);
  const measured = (testid, n, what) =>
    el("p", { class: "muted small" }, HX.value(testid, n, HX.int), " " + what + " measured");

  HX.panels.latency = (l) => {
    HX.panelBody("latency").replaceChildren(
      stats(
        HX.stat("p50", "latency-p50", l.p50_processing_ms, HX.ms),
        HX.stat("p95", "latency-p95", l.p95_processing_ms, HX.ms),
        HX.stat("p99", "latency-p99", l.p99_processing_ms, HX.ms),
        HX.stat("average", "latency-avg", l.avg_processing_ms, HX.ms),
        HX.stat("avg queue wait", "latency-avg-queue", l.avg_queue_ms, HX.ms),
        HX.stat("avg queued → done", "latency-avg-total", l.avg_total_ms, HX.ms)
      ),
      HX.strip("latency-strip", [
        { label: "p50", value: l.p50_processing_ms, cls: "m50" },
        { label: "p95", value: l.p95_processing_ms, cls: "m95" },
        { label: "p99", value: l.p99_processing_ms, cls: "m99" },
      ], null, HX.ms),
      measured("latency-measured", l.videos_measured, "finished videos")
    );
  };

  HX.panels.rtf = (r) => {
    HX.panelBody("rtf").replaceChildren(
      stats(
        HX.stat("p50", "rtf-p50", r.p50_rtf, HX.rtf),
        HX.stat("p95", "rtf-p95", r.p95_rtf, HX.rtf),
        HX.stat("p99", "rtf-p99", r.p99_rtf, HX.rtf),
        HX.stat("average", "rtf-avg", r.avg_rtf, HX.rtf),
        HX.stat("avg video length", "rtf-avg-video", r.avg_video_duration_s, HX.secs),
        HX.stat("avg processing", "rtf-avg-processing", r.avg_processing_duration_s, HX.secs)
      ),
      HX.strip("rtf-strip", [
        { label: "p50", value: r.p50_rtf, cls: "m50" },
        { label: "p95", value: r.p95_rtf, cls: "m95" },
        { label: "p99", value: r.p99_rtf, cls: "m99" },
      ], 1, HX.rtf),
      measured("rtf-measured", r.videos_measured, "ready videos"),
      el("p", { class: "muted small", text: "RTF = processing time ÷ video length; below 1 is faster than real time." })
    );
  };

  HX.panels.queue = (q) => {
    HX.panelBody("queue").replaceChildren(
      HX.split("queue-split",
        { label: "queue", pct: q.queue_time_pct, cls: "queue" },
        { label: "processing", pct: q.processing_time_pct, cls: "processing" }),
      el("div", { class: "legend" },
        el("span", { class: "key queue" }, "queue ", HX.value("queue-pct", q.queue_time_pct, HX.pct)),
        el("span", { class: "key processing" }, "processing ", HX.value("processing-pct", q.processing_time_pct, HX.pct))),
      stats(
        HX.stat("avg queue", "queue-avg-queue", q.avg_queue_time_s, HX.secs),
        HX.stat("avg processing", "queue-avg-processing", q.avg_processing_time_s, HX.secs),
        HX.stat("avg total", "queue-avg-total", q.avg_total_time_s, HX.secs)
      ),
      measured("queue-measured", q.videos_measured, "finished videos")
    );
  };

  const FAILURES = [
    { key: "processing_stage", label: "Stage", testid: "failure-stage" },
    { key: "failure_count", label: "Failures", format: HX.int, testid: "failure-count" },
    { key: "failure_pct", label: "Share", format: HX.pct, testid: "failure-pct" },
  ];

  HX.panels.failures = (f) => {
    HX.data.failures = f.data;
    HX.panelBody("failures").replaceChildren(
      HX.table("failures-table", FAILURES, f.data, () => ({ "data-testid": "failure-row" })),
      el("div", { class: "actions" }, HX.exportButton("failures"))
    );
  };

  const STAGES = [
    { key: "stage", label: "Stage", testid: "stage-name" },
    { key: "runs", label: "Runs", format: HX.int, testid: "stage-runs" },
    { key: "failures", label: "Failed", format: HX.int, testid: "stage-failures" },
    { key: "cancelled", label: "Cancelled", format: HX.int, testid: "stage-cancelled" },
    { key: "avg_ms", label: "Average", format: HX.ms, testid: "stage-avg" },
    { key: "p50_ms", label: "p50", format: HX.ms, testid: "stage-p50" },
    { key: "p95_ms", label: "p95", format: HX.ms, testid: "stage-p95" },
    { key: "p99_ms", label: "p99", format: HX.ms, testid: "stage-p99" },
    { key: "total_ms", label: "Total", format: HX.ms, testid: "stage-total" },
    { key: "share_pct", label: "Share of time", format: HX.pct, testid: "stage-share" },
  ];

  HX.panels.stages = (s) => {
    HX.data.stages = s.data;
    HX.panelBody("stages").replaceChildren(
      HX.table("stages-table", STAGES, s.data, () => ({ "data-testid": "stage-row" })),
      el("div", { class: "actions" }, HX.exportButton("stages"))
    );
  };

  const THROUGHPUT = [
    { key: "day", label: "Day" },
    { key: "videos_ready", label: "Ready", format: HX.int },
    { key: "videos_failed", label: "Failed", format: HX.int },
    { key: "hours_ready", label: "Hours", format: HX.hours },
    { key: "avg_processing_s", label: "Avg processing", format: HX.secs },
    { key: "avg_rtf", label: "Avg RTF", format: HX.rtf },
  ];

  const total = (rows, key) => rows.reduce((s, r) => s + (r[key] || 0), 0);
  const details = (testid, columns, rows) =>
    el("details", {}, el("summary", { text: "Table" }), HX.table(testid, columns, rows.slice().reverse()));

  HX.panels.throughput = (t, days) => {
    const rows = HX.fillDays(t.data, days,
      { videos_ready: 0, videos_failed: 0, hours_ready: 0, avg_processing_s: null, avg_rtf: null });
    HX.data.throughput = rows;
    HX.panelBody("throughput").replaceChildren(
      HX.barChart("throughput-chart", rows, [
        { key: "videos_ready", label: "ready", cls: "ok" },
        { key: "videos_failed", label: "failed", cls: "bad" },
      ]),
      el("p", { class: "small" },
        HX.value("throughput-ready", total(rows, "videos_ready"), HX.int), " ready · ",
        HX.value("throughput-failed", total(rows, "videos_failed"), HX.int), " failed · ",
        HX.value("throughput-hours", total(rows, "hours_ready"), HX.hours), " in range"),
      details("throughput-table", THROUGHPUT, rows),
      el("div", { class: "actions" }, HX.exportButton("throughput"))
    );
  };

  const SEARCH = [
    { key: "day", label: "Day" },
    { key: "searches", label: "Searches", format: HX.int },
    { key: "avg_latency_ms", label: "Avg latency", format: HX.ms },
  ];

  HX.panels.search = (s, days) => {
    const rows = HX.fillDays(s.data, days, { searches: 0, avg_latency_ms: null });
    HX.data.search = rows;
    HX.panelBody("search").replaceChildren(
      HX.barChart("search-chart", rows, [{ key: "searches", label: "searches", cls: "search" }]),
      el("p", { class: "small" }, HX.value("search-total", total(rows, "searches"), HX.int), " searches in range"),
      details("search-table", SEARCH, rows),
      el("div", { class: "actions" }, HX.exportButton("search"))
    );
  };

  const columnsOf = (spec) => spec.map((c) => c.key);

  /** CSV of a named table or series, raw values (the users table fetches every page). */
  HX.exportCsv = async (name) => {
    switch (name) {
      case "failures": return HX.csv(columnsOf(FAILURES), HX.data.failures || []);
      case "stages": return HX.csv(columnsOf(STAGES), HX.data.stages || []);
      case "throughput": return HX.csv(columnsOf(THROUGHPUT), HX.data.throughput || []);
      case "search": return HX.csv(columnsOf(SEARCH), HX.data.search || []);
      default: return HX.usersCsv(name);
    }
  };
})(window.HX);
