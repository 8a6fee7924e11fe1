// DOM helpers of the console: elements, tables, paging, errors, forms.
import { api, get, served, ApiError } from "./api.js";

let uid = 0;

// h("tag.class", {attrs}, ...children): an element.  "on*" attributes
// are listeners; children may be strings, nodes, arrays or null.
export function h(spec, attrs, ...children) {
  const [tag, ...cls] = spec.split(".");
  const el = document.createElement(tag || "div");
  if (cls.length) el.className = cls.join(" ");
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function fmt(v) {
  if (v === null || v === undefined) return "—";
  if (Array.isArray(v)) {
    if (v.every((x) => x === null || typeof x !== "object"))
      return v.join(", ");
    return `${v.length} item${v.length === 1 ? "" : "s"}`;
  }
  if (typeof v === "object") return JSON.stringify(v);
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
}

// A value with a class from its text (decision, state, level colours).
export function badge(v) {
  return h("span.d-" + String(v).replace(/[^\w-]/g, ""), {}, fmt(v));
}

// The problem's errors[] ({path, message}) that say more than its
// detail.
export function problemErrors(err) {
  const list = err instanceof ApiError && err.problem && Array.isArray(err.problem.errors) ?
    err.problem.errors.filter((x) => x && typeof x === "object") : [];
  return list.length === 1 && list[0].message === err.detail ? [] : list;
}

// An error as an alert: status and the problem's detail, then its
// errors[] (field path and message) when they add to the detail.
export function errorBox(err) {
  const detail = err instanceof ApiError ?
    `${err.status}: ${err.detail}` : (err && err.message) || String(err);
  const more = problemErrors(err);
  return h("div.error", { role: "alert" }, "Error ", detail,
    more.length ? h("ul.problem-errors", {}, more.map((x) =>
      h("li", {}, x.path ? h("code", {}, String(x.path)) : "", x.path ? ": " : "",
        fmt(x.message)))) : null);
}

export function notice(text) {
  return h("div.notice", {}, text);
}

// table(columns, rows, {onSelect, selected}): columns are field names or
// {key, label, render}.  onSelect adds a button in the first column.
export function table(columns, rows, opts = {}) {
  const cols = columns.map((c) => typeof c === "string" ?
    { key: c, label: c } : { label: c.key, ...c });
  const thead = h("thead", {}, h("tr", {},
    cols.map((c) => h("th", { scope: "col" }, c.label))));
  const tbody = h("tbody");
  for (const r of rows) {
    const tr = h("tr");
    cols.forEach((c, i) => {
      let v = c.render ? c.render(r) : fmt(r[c.key]);
      if (i === 0 && opts.onSelect)
        v = h("button.link", { type: "button", onclick: () => opts.onSelect(r) },
          v instanceof Node ? v.textContent : v);
      tr.append(h("td", {}, v));
    });
    if (opts.selected && opts.selected(r)) tr.className = "selected";
    tbody.append(tr);
  }
  const t = h("table", {}, opts.caption ? h("caption.muted", {}, opts.caption) : null,
    thead, tbody);
  // Wide tables scroll sideways inside their panel (Chromium makes such
  // a scroller keyboard-focusable).
  const wrap = h("div.tablewrap", {}, t);
  if (!rows.length)
    return h("div", {}, wrap, h("p.muted", {}, opts.empty || "No records."));
  return wrap;
}

// Columns for records of unknown shape: the scalar fields of the first
// rows, up to max.
export function autoColumns(rows, max = 7) {
  const keys = [];
  for (const r of rows.slice(0, 5))
    for (const [k, v] of Object.entries(r || {}))
      if (!keys.includes(k) && (v === null || typeof v !== "object" ||
          (Array.isArray(v) && v.every((x) => typeof x !== "object"))) &&
          !/^(schema_version|product)$/.test(k))
        keys.push(k);
  return keys.slice(0, max);
}

export function kv(obj, skip = []) {
  const dl = h("dl.kv");
  for (const [k, v] of Object.entries(obj || {})) {
    if (skip.includes(k)) continue;
    dl.append(h("dt", {}, k), h("dd", {}, v !== null && typeof v === "object" &&
      !(Array.isArray(v) && v.every((x) => typeof x !== "object")) ?
      h("code", {}, JSON.stringify(v)) : fmt(v)));
  }
  return dl;
}

// Cards of the scalar numbers and levels of a dashboard answer.
export function cards(obj, keys) {
  const ks = keys || Object.keys(obj).filter((k) =>
    (typeof obj[k] === "number" || /(_level|status|state|mode)$/.test(k)) &&
    typeof obj[k] !== "object");
  return h("div.cards", {}, ks.filter((k) => k in obj).map((k) =>
    h("div.card", {}, h("div.v", {}, badge(obj[k])), h("div.k", {}, k))));
}

// A labelled input (opts: label, options and blank, textarea, type, value,
// required, placeholder, hint, min, max): a div.field of the label, the
// control and its hint.
export function field(name, opts = {}) {
  const id = "f" + (++uid);
  let input;
  if (opts.options) {
    input = h("select", { id, name },
      opts.options.map((o) => h("option", { value: o }, o === "" ? opts.blank || "(any)" : o)));
  } else if (opts.textarea) {
    input = h("textarea", { id, name, rows: 3 });
  } else {
    input = h("input", { id, name, type: opts.type || "text",
      placeholder: opts.placeholder, required: opts.required, min: opts.min,
      max: opts.max, autocomplete: opts.type === "password" ? "off" : null });
  }
  if (opts.value !== undefined) input.value = opts.value;
  const hint = opts.hint ? h("span.hint", { id: id + "-hint" }, opts.hint) : null;
  if (hint) input.setAttribute("aria-describedby", hint.id);
  return h("div.field", {}, h("label", { for: id }, opts.label || name,
    opts.required ? h("span.req", { title: "required" }, " *") : null), input, hint);
}

export function formValues(form) {
  const o = {};
  for (const el of form.elements)
    if (el.name && el.value !== "") o[el.name] = el.value;
  return o;
}

// Trigger a download of a Response (artifacts, bundles).
export async function saveResponse(resp, name) {
  const blob = await resp.blob();
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

// A paged list of an {items,total,limit,offset} route: filters, table,
// pager.  opts: {path, title, filters: [name|{name,options}], columns,
// limit, onSelect, selected, query}.  Returns {el, reload(query)}.
export function pagedList(opts) {
  const box = h("section.panel", { "aria-label": opts.title });
  const limit = opts.limit || 10;
  let offset = 0;
  let extra = { ...(opts.query || {}) };
  const title = h("h3", {}, opts.title);
  box.append(title);
  if (!served(opts.path)) {
    box.append(h("p.section-na", {}, `${opts.path}: not available in this build`));
    return { el: box, reload() {} };
  }
  let form = null;
  if (opts.filters && opts.filters.length) {
    form = h("form.filters", { "aria-label": opts.title + " filters" });
    for (const f of opts.filters) {
      const spec = typeof f === "string" ? { name: f } : f;
      form.append(field(spec.name, spec));
    }
    form.append(h("button", { type: "submit" }, "Filter"),
      h("button.secondary", { type: "reset" }, "Clear"));
    form.addEventListener("submit", (e) => { e.preventDefault(); offset = 0; load(); });
    form.addEventListener("reset", () => setTimeout(() => { offset = 0; load(); }));
    box.append(form);
  }
  const out = h("div", { "aria-live": "polite" });
  box.append(out);
  async function load() {
    const q = { ...extra, ...(form ? formValues(form) : {}), limit, offset };
    out.replaceChildren(h("p.muted", {}, "Loading…"));
    let ans;
    try {
      ans = await get(opts.path, q);
    } catch (e) {
      out.replaceChildren(errorBox(e));
      return;
    }
    const items = ans.items || [];
    const total = typeof ans.total === "number" ? ans.total : items.length;
    const cols = opts.columns || autoColumns(items);
    const prev = h("button.secondary", { type: "button", disabled: offset === 0,
      onclick: () => { offset = Math.max(0, offset - limit); load(); } }, "Previous");
    const next = h("button.secondary", { type: "button",
      disabled: offset + items.length >= total,
      onclick: () => { offset += limit; load(); } }, "Next");
    out.replaceChildren(
      table(cols, items, { onSelect: opts.onSelect, selected: opts.selected }),
      h("div.pager", {}, prev, next, h("span.muted.count", {},
        total ? `${offset + 1}–${offset + items.length} of ${total}` : "0 records")));
  }
  load();
  return {
    el: box,
    reload(q) { if (q) { extra = { ...extra, ...q }; offset = 0; } load(); },
    form,
  };
}

// A dashboard answer rendered generically: level and counters as cards,
// lists as tables, nested objects as key/values.
export function dashboard(path, title) {
  const box = h("section.panel", { "aria-label": title });
  box.append(h("h3", {}, title));
  if (!served(path)) {
    box.append(h("p.section-na", {}, `${path}: not available in this build`));
    return box;
  }
  const out = h("div", {}, h("p.muted", {}, "Loading…"));
  box.append(out);
  get(path).then((d) => {
    const parts = [cards(d)];
    for (const [k, v] of Object.entries(d)) {
      if (Array.isArray(v) && v.length && typeof v[0] === "object") {
        parts.push(h("h4", {}, k), table(autoColumns(v), v.slice(0, 20)));
      } else if (v && typeof v === "object" && !Array.isArray(v) &&
          Object.keys(v).length) {
        parts.push(h("h4", {}, k), kv(v));
      } else if (Array.isArray(v) && v.length) {
        parts.push(h("p", {}, h("strong", {}, k + ": "), fmt(v)));
      }
    }
    parts.push(h("p.muted", {}, "GET ", h("code", {}, path)));
    out.replaceChildren(...parts);
  }, (e) => out.replaceChildren(errorBox(e)));
  return box;
}

// A form that POSTs and shows the answer (or the problem detail).
export function actionForm(title, fields, submit, render) {
  const form = h("form.row", { "aria-label": title });
  for (const f of fields) form.append(field(f.name, f));
  const btn = h("button", { type: "submit" }, title);
  form.append(btn);
  const out = h("div", { "aria-live": "polite" });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    btn.disabled = true;
    try {
      const ans = await submit(formValues(form));
      out.replaceChildren(render ? render(ans) : kv(ans));
    } catch (err) {
      out.replaceChildren(errorBox(err));
    } finally {
      btn.disabled = false;
    }
  });
  return h("div", {}, form, out);
}

export { api };
