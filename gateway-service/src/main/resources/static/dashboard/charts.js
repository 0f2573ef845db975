// Line charts as plain SVG: series of {name, color, points: [[x, y], ...], dashed}; no library.
const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function niceTicks(min, max, count) {
  if (min === max) { min -= 1; max += 1; }
  const step0 = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0);
  const ticks = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(+t.toPrecision(12));
  return ticks;
}

const fmt = (v) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : +v.toPrecision(3));

/**
 * @param {object} o {title, xLabel, yLabel, series, width, height, xLog2}
 * @returns {SVGSVGElement}
 */
export function lineChart(o) {
  const width = o.width || 520, height = o.height || 240;
  // legend entries flow left to right and wrap: the plot starts below them
  const legend = [];
  let lx = 64, ly = 26;
  for (const s of o.series) {
    if (!s.points.some(([x, y]) => Number.isFinite(x) && Number.isFinite(y))) continue;
    const w = 22 + s.name.length * 6.2;
    if (lx + w > width - 8 && lx > 64) { lx = 64; ly += 13; }
    legend.push([s, lx, ly]);
    lx += w;
  }
  const m = { l: 56, r: 12, t: ly + 10, b: 36 };
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'chart', role: 'img',
    'aria-label': o.title });
  svg.append(el('text', { x: m.l, y: 15, class: 'chart-title' }, o.title));
  const all = o.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (all.length === 0) {
    svg.append(el('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'chart-empty' }, 'no data yet'));
    return svg;
  }
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) { x0 -= 1; x1 += 1; }
  if (y0 === y1) { y0 -= 1; y1 += 1; }
  const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
  const sx = (x) => m.l + ((x - x0) / (x1 - x0)) * (width - m.l - m.r);
  const sy = (y) => height - m.b - ((y - y0) / (y1 - y0)) * (height - m.t - m.b);
  const axes = el('g', { class: 'axes' });
  for (const t of niceTicks(y0, y1, 4)) {
    axes.append(el('line', { x1: m.l, x2: width - m.r, y1: sy(t), y2: sy(t), class: 'grid' }));
    axes.append(el('text', { x: m.l - 4, y: sy(t) + 4, 'text-anchor': 'end' }, fmt(t)));
  }
  for (const t of niceTicks(x0, x1, 6)) {
    axes.append(el('text', { x: sx(t), y: height - m.b + 14, 'text-anchor': 'middle' }, fmt(t)));
  }
  axes.append(el('text', { x: (m.l + width - m.r) / 2, y: height - 4, 'text-anchor': 'middle' }, o.xLabel || ''));
  axes.append(el('text', { x: 12, y: (m.t + height - m.b) / 2, transform: `rotate(-90 12 ${(m.t + height - m.b) / 2})`,
    'text-anchor': 'middle' }, o.yLabel || ''));
  svg.append(axes);
  for (const [s, x, y] of legend) {
    svg.append(el('rect', { x, y: y - 4, width: 10, height: 3, fill: s.color }));
    svg.append(el('text', { x: x + 14, y: y + 1, class: 'legend' }, s.name));
  }
  for (const s of o.series) {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length === 0) continue;
    const d = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    svg.append(el('path', { d, fill: 'none', stroke: s.color, 'stroke-width': 1.6,
      'stroke-dasharray': s.dashed ? '5 4' : 'none', 'data-series': s.name }));
    if (pts.length <= 30 && !s.dashed) {
      for (const [x, y] of pts) svg.append(el('circle', { cx: sx(x), cy: sy(y), r: 2.5, fill: s.color }));
    }
  }
  return svg;
}
