// The Heimdex dashboard's users table (server-side sort and pagination, real total) and the
// user detail view (recent videos and searches).
"use strict";

window.HX = window.HX || {};

(function (HX) {
  const el = (...a) => HX.el(...a);
  HX.panels = HX.panels || {};

  /** Rows per page of the users table. */
  HX.PAGE_SIZE = 20;

  const USERS = [
    { key: "full_name", label: "User", testid: "user-name" },
    { key: "videos_total", label: "Videos", format: HX.int, testid: "user-videos" },
    { key: "videos_ready", label: "Ready", format: HX.int, testid: "user-ready", sort: "videos_ready" },
    { key: "hours_ready", label: "Hours ready", format: HX.hours, testid: "user-hours", sort: "hours_ready" },
    { key: "searches_7d", label: "Searches in range", format: HX.int, testid: "user-searches", sort: "searches_7d" },
    { key: "avg_latency_ms_7d", label: "Avg search latency", format: HX.ms, testid: "user-latency" },
    { key: "last_activity", label: "Last activity", format: HX.time, testid: "user-last", sort: "last_activity" },
  ];
  const USER_CSV = ["user_id"].concat(USERS.map((c) => c.key));

  /** A header cell; sortable columns are buttons (always descending, as the API sorts). */
  const head = (c) => {
    if (!c.sort) return el("th", { text: c.label });
    const active = HX.state.sort === c.sort;
    return el("th", { "aria-sort": active ? "descending" : "none" },
      el("button", {
        type: "button",
        class: "sort" + (active ? " active" : ""),
        testid: "sort-" + c.sort,
        text: c.label + (active ? " ▼" : ""),
        onclick: () => HX.navigate({ sort: c.sort, page: 1 }),
      }));
  };

  HX.panels.users = (u) => {
    const pages = Math.max(1, Math.ceil(u.total_users / u.page_size));
    const columns = USERS.map((c) => Object.assign({ head: head(c) }, c));
    const table = HX.table("users-table", columns, u.items, (r) => ({
      "data-testid": "user-row",
      "data-user-id": r.user_id,
      class: "clickable" + (r.user_id === HX.state.user ? " selected" : ""),
      tabindex: "0",
      title: "Show " + r.full_name,
      onclick: () => HX.navigate({ user: r.user_id }),
      onkeydown: (ev) => ev.key === "Enter" && HX.navigate({ user: r.user_id }),
    }));
    const pager = el("div", { class: "pager" },
      el("button", { type: "button", testid: "users-prev", disabled: u.page <= 1, text: "← Previous",
        onclick: () => HX.navigate({ page: u.page - 1 }) }),
      el("span", { testid: "users-page", "data-page": String(u.page), "data-pages": String(pages),
        text: `Page ${HX.int(u.page)} of ${HX.int(pages)}` }),
      el("button", { type: "button", testid: "users-next", disabled: u.page >= pages, text: "Next →",
        onclick: () => HX.navigate({ page: u.page + 1 }) }),
      el("span", { class: "muted" }, HX.value("users-total", u.total_users, HX.int), " users"),
      HX.exportButton("users"));
    HX.panelBody("users").replaceChildren(table, pager);
  };

  const VIDEOS = [
    { key: "filename", label: "File", testid: "video-file" },
    { key: "status", label: "Status", testid: "video-status" },
    { key: "duration_s", label: "Length", format: HX.secs },
    { key: "updated_at", label: "Updated", format: HX.time },
    { key: "error_message", label: "Error" },
    { key: "id", label: "Video id" },
  ];
  const SEARCHES = [
    { key: "query_text", label: "Query", testid: "search-query" },
    { key: "created_at", label: "When", format: HX.time },
    { key: "latency_ms", label: "Latency", format: HX.ms },
    { key: "results_count", label: "Results", format: HX.int },
    { key: "video_id", label: "Video id" },
  ];

  HX.panels.detail = (d) => {
    const opened = !HX.data.detail || HX.data.detail.user_id !== d.user_id;
    HX.data.detail = d;
    HX.panelBody("detail").replaceChildren(
      el("div", { class: "detail-head" },
        el("h3", { testid: "detail-name", text: d.full_name }),
        el("span", { class: "muted", text: d.user_id }),
        el("button", { type: "button", testid: "detail-close", text: "Close",
          onclick: () => HX.navigate({ user: null }) })),
      el("div", { class: "stats" },
        HX.stat("videos", "detail-videos-total", d.videos_total, HX.int),
        HX.stat("ready", "detail-videos-ready", d.videos_ready, HX.int),
        HX.stat("hours ready", "detail-hours", d.hours_ready, HX.hours),
        HX.stat("searches (7 days)", "detail-searches-7d", d.searches_7d, HX.int),
        HX.stat("avg search latency (7 days)", "detail-latency", d.avg_latency_ms_7d, HX.ms),
        HX.stat("last activity", "detail-last", d.last_activity, HX.time)),
      el("h4", {}, "Recent videos ", HX.exportButton("user-videos")),
      HX.table("detail-videos", VIDEOS, d.recent_videos, () => ({ "data-testid": "detail-video-row" })),
      el("h4", {}, "Recent searches ", HX.exportButton("user-searches")),
      HX.table("detail-searches", SEARCHES, d.recent_searches, () => ({ "data-testid": "detail-search-row" }))
    );
    if (opened) document.getElementById("user-detail").scrollIntoView({ block: "start" });
  };

  /** CSV for the users table (every page, current range and sort) or the open user's lists. */
  HX.usersCsv = async (name) => {
    const d = HX.data.detail;
    if (name === "user-videos") return HX.csv(VIDEOS.map((c) => c.key), d ? d.recent_videos : []);
    if (name === "user-searches") return HX.csv(SEARCHES.map((c) => c.key), d ? d.recent_searches : []);
    if (name !== "users") throw new Error("no table named " + name);
    const { range, sort } = HX.state;
    const rows = [];
    for (let page = 1; ; page++) {
      const u = await HX.api(`/v1/admin/users?range=${range}&page=${page}&page_size=100&sort=${sort}`);
      rows.push(...u.items);
      if (u.items.length === 0 || rows.length >= u.total_users) break;
    }
    return HX.csv(USER_CSV, rows);
  };
})(window.HX);
