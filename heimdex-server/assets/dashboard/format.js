// Readable numbers, CSV, and DOM helpers for the Heimdex dashboard. No dependencies.
"use strict";

window.HX = window.HX || {};

(function (HX) {
  const DASH = "—";
  const nf = (digits) =>
    new Intl.NumberFormat("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  const fixed = (digits) =>
    new Intl.NumberFormat("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

  const isNum = (v) => typeof v === "number" && Number.isFinite(v);

  /** Integer count with thousands separators: 1234567 → "1,234,567". */
  HX.int = (v) => (isNum(v) ? nf(0).format(v) : DASH);

  /** A number with at most `d` decimals and separators. */
  HX.num = (v, d = 2) => (isNum(v) ? nf(d).format(v) : DASH);

  /** A percentage with one decimal: 9.8360… → "9.8 %". */
  HX.pct = (v) => (isNum(v) ? fixed(1).format(v) + " %" : DASH);

  /** A real-time factor, always two decimals: 1.4 → "1.40". */
  HX.rtf = (v) => (isNum(v) ? fixed(2).format(v) : DASH);

  /** Hours with at most two decimals: 1.5 → "1.5 h". */
  HX.hours = (v) => (isNum(v) ? nf(2).format(v) + " h" : DASH);

  /**
   * A duration given in milliseconds, in the unit a person reads best:
   * under 1 s in ms ("362.5 ms"), under a minute in s ("12.35 s"), under an hour in
   * minutes ("50.0 min"), else hours ("1.25 h").
   */
  HX.ms = (v) => {
    if (!isNum(v)) return DASH;
    const a = Math.abs(v);
    if (a < 1000) return nf(1).format(v) + " ms";
    if (a < 60000) return fixed(2).format(v / 1000) + " s";
    if (a < 3600000) return fixed(1).format(v / 60000) + " min";
    return fixed(2).format(v / 3600000) + " h";
  };

  /** A duration in seconds, formatted like `HX.ms`. */
  HX.secs = (v) => (isNum(v) ? HX.ms(v * 1000) : DASH);

  /** An RFC 3339 time as "YYYY-MM-DD HH:MM UTC". */
  HX.time = (v) => (v ? String(v).replace("T", " ").slice(0, 16) + " UTC" : DASH);

  /**
   * One CSV field, quoted when it holds a comma, quote or line break. Text that a spreadsheet would
   * run as a formula (starting with =, +, -, @, tab or CR: a user name, a search query) gets a
   * leading ' (OWASP's CSV injection advice); numbers stay numbers, negative ones included.
   */
  const field = (v) => {
    if (v === null || v === undefined) return "";
    let s = String(v);
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };

  /** CSV text (RFC 4180, CRLF) of `rows` (objects) over `columns` (keys); raw values, not formatted. */
  HX.csv = (columns, rows) =>
    [columns.map(field).join(",")]
      .concat(rows.map((r) => columns.map((c) => field(r[c])).join(",")))
      .join("\r\n") + "\r\n";

  /** Offers `text` as a download named `name`. */
  HX.download = (name, text) => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    const a = HX.el("a", { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  /**
   * Creates an element. `attrs` keys are attributes, except `text` (textContent), `on<event>`
   * (listeners) and `testid` (data-testid). Children are nodes or strings (as text, never HTML).
   */
  HX.el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") node.textContent = v;
      else if (k === "testid") node.dataset.testid = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined) node.append(c);
    }
    return node;
  };

  /**
   * A number shown formatted, with the raw value in `data-value` (what the tests and the
   * tooltip read) and a stable `data-testid`.
   */
  HX.value = (testid, raw, format) =>
    HX.el("span", {
      class: "value",
      testid,
      "data-value": raw === null || raw === undefined ? "" : String(raw),
      title: raw === null || raw === undefined ? "no data" : String(raw),
      text: format(raw),
    });

  /** A label/value pair for a panel. */
  HX.stat = (label, testid, raw, format) =>
    HX.el("div", { class: "stat" }, HX.el("span", { class: "label", text: label }), HX.value(testid, raw, format));

  /** A CSV export button for a named table or series. */
  HX.exportButton = (name) =>
    HX.el("button", {
      type: "button",
      class: "export",
      testid: "export-" + name,
      text: "CSV",
      title: "Download as CSV",
      onclick: async () => HX.download("heimdex-" + name + ".csv", await HX.exportCsv(name)),
    });

  /**
   * A table: `columns` are {key, label, format?, testid?}; cells hold formatted values with the
   * raw one in data-value. `rowAttrs(row)` adds attributes to each row.
   */
  HX.table = (testid, columns, rows, rowAttrs = () => ({})) =>
    HX.el(
      "table",
      { testid },
      HX.el("thead", {}, HX.el("tr", {}, columns.map((c) => c.head || HX.el("th", { text: c.label })))),
      HX.el(
        "tbody",
        {},
        rows.length === 0
          ? HX.el("tr", {}, HX.el("td", { colspan: columns.length, class: "muted", text: "No data in this range" }))
          : rows.map((r) =>
              HX.el(
                "tr",
                rowAttrs(r),
                columns.map((c) =>
                  HX.el(
                    "td",
                    { class: c.format ? "num" : null },
                    c.format
                      ? HX.value(c.testid || null, r[c.key], c.format)
                      : HX.el("span", { testid: c.testid || null, text: String(r[c.key] ?? DASH) })
                  )
                )
              )
            )
      )
    );
})(window.HX);
