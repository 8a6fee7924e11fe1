// Inline SVG charts: the decision mix (a donut) and decisions over time
// (stacked bars by outcome).
const NS = "http://www.w3.org/2000/svg";

export const COLORS = {
  allow: "#2e8b57", allow_with_attestation: "#7cb87c", warn: "#d9a400",
  require_approval: "#e07b00", block: "#b3261e", other: "#8895a7",
};

function svg(tag, attrs, ...kids) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const k of kids) el.append(k);
  return el;
}

function legend(entries) {
  const d = document.createElement("div");
  d.className = "legend";
  for (const [label, color, n] of entries) {
    const s = document.createElement("span");
    const i = document.createElement("i");
    i.style.background = color;
    s.append(i, `${label}: ${n}`);
    d.append(s);
  }
  return d;
}

// donut([[label, value, color]], title): a figure.
export function donut(parts, title) {
  const total = parts.reduce((a, p) => a + p[1], 0);
  const fig = document.createElement("figure");
  const cap = document.createElement("figcaption");
  cap.textContent = title;
  const s = svg("svg", { viewBox: "0 0 120 120", width: 180, height: 180,
    class: "chart", role: "img",
    "aria-label": title + ": " + parts.map((p) => `${p[0]} ${p[1]}`).join(", ") });
  const r = 45, c = 2 * Math.PI * r;
  let at = 0;
  s.append(svg("circle", { cx: 60, cy: 60, r, fill: "none", stroke: "#eef1f5",
    "stroke-width": 18 }));
  for (const [label, v, color] of parts) {
    if (!v || !total) continue;
    const len = (v / total) * c;
    const seg = svg("circle", { cx: 60, cy: 60, r, fill: "none", stroke: color,
      "stroke-width": 18, "stroke-dasharray": `${len} ${c - len}`,
      "stroke-dashoffset": String(-at), transform: "rotate(-90 60 60)" });
    seg.append(svg("title", {}, `${label}: ${v}`));
    s.append(seg);
    at += len;
  }
  const t = svg("text", { x: 60, y: 66, "text-anchor": "middle",
    "font-size": 18, "font-weight": 600, fill: "#1d2430" });
  t.textContent = String(total);
  s.append(t);
  fig.append(cap, s, legend(parts.map((p) => [p[0], p[2], p[1]])));
  return fig;
}

// bars(buckets, keys, title): buckets are [{label, counts: {key: n}}].
export function bars(buckets, keys, title) {
  const fig = document.createElement("figure");
  const cap = document.createElement("figcaption");
  cap.textContent = title;
  const W = 520, H = 200, pad = 30;
  const max = Math.max(1, ...buckets.map((b) =>
    keys.reduce((a, k) => a + (b.counts[k] || 0), 0)));
  const s = svg("svg", { viewBox: `0 0 ${W} ${H + 40}`, width: W,
    height: H + 40, class: "chart", role: "img",
    "aria-label": title + ": " + buckets.map((b) => `${b.label} ` +
      keys.map((k) => `${k} ${b.counts[k] || 0}`).join(" ")).join("; ") });
  s.append(svg("line", { x1: pad, y1: H, x2: W - 4, y2: H, stroke: "#8895a7" }));
  const t = svg("text", { x: 2, y: 12, "font-size": 10, fill: "#5b6678" });
  t.textContent = String(max);
  s.append(t);
  const bw = Math.max(6, Math.min(60, (W - pad - 10) / Math.max(1, buckets.length) - 6));
  buckets.forEach((b, i) => {
    const x = pad + 6 + i * (bw + 6);
    let y = H;
    for (const k of keys) {
      const v = b.counts[k] || 0;
      if (!v) continue;
      const hh = (v / max) * (H - 10);
      y -= hh;
      const rect = svg("rect", { x, y, width: bw, height: hh,
        fill: COLORS[k] || COLORS.other });
      rect.append(svg("title", {}, `${b.label} ${k}: ${v}`));
      s.append(rect);
    }
    if (buckets.length <= 12 || i % Math.ceil(buckets.length / 12) === 0) {
      const l = svg("text", { x, y: H + 14, "font-size": 9, fill: "#5b6678" });
      l.textContent = b.label;
      s.append(l);
    }
  });
  const totals = keys.map((k) => [k, COLORS[k] || COLORS.other,
    buckets.reduce((a, b) => a + (b.counts[k] || 0), 0)]);
  fig.append(cap, s, legend(totals));
  return fig;
}

// Buckets of timestamped outcomes: by hour within two days, else by day.
export function bucketize(events) {
  const ts = events.map((e) => Date.parse(e.timestamp)).filter((t) => !isNaN(t));
  if (!ts.length) return [];
  const span = Math.max(...ts) - Math.min(...ts);
  const byHour = span < 2 * 86400e3;
  const map = new Map();
  for (const e of events) {
    const t = Date.parse(e.timestamp);
    if (isNaN(t)) continue;
    const iso = new Date(t).toISOString();
    const label = byHour ? iso.slice(5, 13).replace("T", " ") + "h" : iso.slice(0, 10);
    if (!map.has(label)) map.set(label, { label, counts: {} });
    const c = map.get(label).counts;
    const k = e.outcome in COLORS ? e.outcome : "other";
    c[k] = (c[k] || 0) + 1;
  }
  return [...map.values()].sort((a, b) => a.label < b.label ? -1 : 1);
}

// line(points, title, unit): points are [{label, value}] (0..100),
// drawn as a polyline with dots.
export function line(points, title, unit) {
  const fig = document.createElement("figure");
  const cap = document.createElement("figcaption");
  cap.textContent = title;
  const W = 520, H = 160, pad = 34;
  const s = svg("svg", { viewBox: `0 0 ${W} ${H + 30}`, width: W, height: H + 30,
    class: "chart", role: "img",
    "aria-label": title + ": " + points.map((p) => `${p.label} ${p.value}${unit}`).join(", ") });
  for (const v of [0, 50, 100]) {
    const y = H - (v / 100) * (H - 10);
    s.append(svg("line", { x1: pad, y1: y, x2: W - 4, y2: y, stroke: "#dde3ec" }));
    const t = svg("text", { x: 2, y: y + 4, "font-size": 10, fill: "#5b6678" });
    t.textContent = v + unit;
    s.append(t);
  }
  const step = points.length > 1 ? (W - pad - 20) / (points.length - 1) : 0;
  const xy = points.map((p, i) => [pad + 10 + i * step, H - (p.value / 100) * (H - 10)]);
  if (xy.length > 1)
    s.append(svg("polyline", { points: xy.map((q) => q.join(",")).join(" "), fill: "none",
      stroke: "#1f5fbf", "stroke-width": 2 }));
  xy.forEach(([x, y], i) => {
    const c = svg("circle", { cx: x, cy: y, r: 3.5, fill: "#1f5fbf" });
    c.append(svg("title", {}, `${points[i].label}: ${points[i].value}${unit}`));
    s.append(c);
    if (points.length <= 12 || i % Math.ceil(points.length / 12) === 0) {
      const l = svg("text", { x, y: H + 14, "font-size": 9, fill: "#5b6678",
        "text-anchor": i === points.length - 1 && i > 0 ? "end" : i === 0 ? "start" : "middle" });
      l.textContent = points[i].label;
      s.append(l);
    }
  });
  fig.append(cap, s);
  return fig;
}
