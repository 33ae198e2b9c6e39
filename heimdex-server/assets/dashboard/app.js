// The Heimdex dashboard: sign-in, URL state, API calls, errors, auto-refresh and the panels.
// Every number comes from the admin API (docs/spec.md#http-api) with the token kept in
// sessionStorage.
"use strict";

(function (HX) {
  const TOKEN = "heimdex.token";
  const AUTO = "heimdex.autorefresh";
  const RANGES = ["1d", "7d", "30d", "90d", "365d"];
  const SORTS = ["last_activity", "hours_ready", "videos_ready", "searches_7d"];
  const $ = (id) => document.getElementById(id);

  /** An admin API failure: HTTP status (0 when the server could not be reached) and detail. */
  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
      this.detail = detail;
    }
  }

  // ---- URL state: #range=7d&page=2&sort=hours_ready&user=<id> ----------------------------------

  const readState = () => {
    const p = new URLSearchParams(location.hash.slice(1));
    const page = parseInt(p.get("page") || "1", 10);
    return {
      range: RANGES.includes(p.get("range")) ? p.get("range") : "30d",
      page: Number.isInteger(page) && page > 0 ? page : 1,
      sort: SORTS.includes(p.get("sort")) ? p.get("sort") : "last_activity",
      user: p.get("user") || null,
    };
  };
  HX.state = readState();

  /** Changes the URL state; the `hashchange` listener reloads. */
  HX.navigate = (changes) => {
    const next = Object.assign({}, HX.state, changes);
    const p = new URLSearchParams();
    p.set("range", next.range);
    if (next.page > 1) p.set("page", String(next.page));
    if (next.sort !== "last_activity") p.set("sort", next.sort);
    if (next.user) p.set("user", next.user);
    const hash = "#" + p.toString();
    if (location.hash === hash) HX.load();
    else location.hash = hash;
  };

  /** Takes `#token=…` once: into sessionStorage, and out of the address bar and history. */
  const takeTokenFromUrl = () => {
    const p = new URLSearchParams(location.hash.slice(1));
    if (!p.has("token")) return;
    sessionStorage.setItem(TOKEN, p.get("token"));
    p.delete("token");
    const rest = p.toString();
    history.replaceState(null, "", location.pathname + location.search + (rest ? "#" + rest : ""));
  };

  // ---- API -------------------------------------------------------------------------------------

  HX.api = async (path) => {
    const token = sessionStorage.getItem(TOKEN);
    if (!token) throw new ApiError(401, "Not signed in");
    let res;
    try {
      res = await fetch(path, { headers: { Authorization: "Bearer " + token }, cache: "no-store" });
    } catch (e) {
      throw new ApiError(0, String(e.message || e));
    }
    let body = null;
    try {
      body = await res.json();
    } catch (_) {
      body = null;
    }
    if (!res.ok) throw new ApiError(res.status, (body && body.detail) || res.statusText);
    return body;
  };

  /** The kind of failure and what to tell the operator. */
  const explain = (e) => {
    const why = e.status ? ` (${e.status}: ${e.detail})` : ` (${e.detail})`;
    const short = "Unavailable" + why;
    if (e.status === 401)
      return { kind: "auth", short, text: "Your sign-in is not valid or has expired" + why + ". Sign in again." };
    if (e.status === 403)
      return { kind: "forbidden", short, text: "Not an admin: this token is valid, but its user may not see the admin dashboard" + why + ". Sign in with an admin token." };
    if (e.status >= 500)
      return { kind: "server", short, text: "Server error: the server could not answer" + why + ". Numbers shown may be missing; it retries on the next refresh." };
    if (e.status === 0) return { kind: "network", short, text: "Cannot reach the server" + why + "." };
    return { kind: "request", short, text: "The server refused the request" + why + "." };
  };
  const PRIORITY = ["auth", "forbidden", "server", "network", "request"];

  const showMessage = (m) => {
    const box = $("message");
    box.hidden = !m;
    box.dataset.kind = m ? m.kind : "";
    box.textContent = m ? m.text : "";
  };

  const showSignIn = (visible) => {
    $("signin").hidden = !visible;
    $("dash").hidden = visible;
    for (const id of ["sign-out", "refresh"]) $(id).disabled = visible;
  };

  // ---- Loading ---------------------------------------------------------------------------------

  let loadSeq = 0;
  HX.data = {};

  /** Fetches every panel for the current state, renders what came back, reports what did not. */
  HX.load = async () => {
    HX.state = readState();
    const seq = ++loadSeq;
    const { range, page, sort, user } = HX.state;
    document.body.dataset.state = "loading";
    for (const b of document.querySelectorAll("[data-range]")) b.setAttribute("aria-pressed", String(b.dataset.range === range));
    const days = parseInt(range, 10);
    for (const id of ["range-label", "range-label-2"]) {
      $(id).textContent = "last " + days + (days === 1 ? " day" : " days");
      $(id).dataset.range = range;
    }
    if (!sessionStorage.getItem(TOKEN)) return finish(seq, "signin", null, true);

    const q = "?range=" + range;
    const calls = {
      overview: "/v1/admin/overview",
      latency: "/v1/admin/performance/latency" + q,
      rtf: "/v1/admin/performance/rtf" + q,
      queue: "/v1/admin/performance/queue" + q,
      stages: "/v1/admin/performance/stages" + q,
      failures: "/v1/admin/failures/by-stage" + q,
      throughput: "/v1/admin/timeseries/throughput-v2" + q,
      search: "/v1/admin/timeseries/search" + q,
      users: `/v1/admin/users${q}&page=${page}&page_size=${HX.PAGE_SIZE}&sort=${sort}`,
    };
    if (user) calls.detail = "/v1/admin/users/" + encodeURIComponent(user);
    const keys = Object.keys(calls);
    const results = await Promise.allSettled(keys.map((k) => HX.api(calls[k])));
    if (seq !== loadSeq) return; // a newer load replaced this one

    const errors = results.filter((r) => r.status === "rejected").map((r) => explain(r.reason));
    errors.sort((a, b) => PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind));
    const worst = errors[0] || null;
    if (worst && (worst.kind === "auth" || worst.kind === "forbidden")) {
      sessionStorage.removeItem(TOKEN);
      return finish(seq, "signin", worst, true);
    }
    keys.forEach((k, i) => {
      const r = results[i];
      const panel = HX.panels[k];
      try {
        if (r.status === "fulfilled") panel(r.value, days);
        else HX.unavailable(k, explain(r.reason));
      } catch (e) {
        HX.unavailable(k, { kind: "render", text: "Could not draw this panel: " + e.message });
      }
    });
    if (!user) {
      $("user-detail").hidden = true;
      HX.data.detail = null;
    }
    $("updated").textContent = "updated " + new Date().toLocaleTimeString("en-GB");
    finish(seq, worst ? "error" : "ready", worst, false);
  };

  const finish = (seq, state, message, signIn) => {
    showSignIn(signIn);
    showMessage(message);
    document.body.dataset.state = state;
    document.body.dataset.loadSeq = String(seq);
  };

  /** Replaces a panel's body with a short note saying why it has no data. */
  HX.unavailable = (key, m) => {
    const target = HX.panelBody(key);
    if (target) target.replaceChildren(HX.el("p", { class: "unavailable", "data-kind": m.kind, text: m.text }));
  };

  HX.panelBody = (key) => {
    const id = { detail: "user-detail", overview: "kpis" }[key] || key + "-panel";
    const panel = $(id);
    if (!panel) return null;
    if (key === "detail") panel.hidden = false;
    return key === "overview" ? panel : panel.querySelector(".body");
  };

  // ---- Start -----------------------------------------------------------------------------------

  let timer = null;
  const autoRefresh = (on) => {
    sessionStorage.setItem(AUTO, on ? "on" : "off");
    clearInterval(timer);
    timer = on
      ? setInterval(() => {
          if (!document.hidden && sessionStorage.getItem(TOKEN)) HX.load();
        }, 60000)
      : null;
  };

  document.addEventListener("DOMContentLoaded", () => {
    takeTokenFromUrl();
    for (const b of document.querySelectorAll("[data-range]"))
      b.addEventListener("click", () => HX.navigate({ range: b.dataset.range, page: 1 }));
    $("refresh").addEventListener("click", () => HX.load());
    $("sign-out").addEventListener("click", () => {
      sessionStorage.removeItem(TOKEN);
      HX.load();
    });
    $("signin-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const token = $("token").value.trim().replace(/^Bearer\s+/i, "");
      if (!token) return;
      sessionStorage.setItem(TOKEN, token);
      $("token").value = "";
      HX.load();
    });
    const auto = $("auto-refresh");
    auto.checked = sessionStorage.getItem(AUTO) !== "off";
    auto.addEventListener("change", () => autoRefresh(auto.checked));
    autoRefresh(auto.checked);
    window.addEventListener("hashchange", () => HX.load());
    HX.load();
  });
})(window.HX);
