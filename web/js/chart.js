// chart.js: small SVG charts for the console, drawn with createElementNS and
// no library. One kind is enough for the filing statistics: a horizontal bar
// chart whose bars may be stacked from several series (on time, late,
// missing). Colours come from CSS classes in app.css (the CSP allows no
// inline style); every segment carries a <title> with its label and value,
// and the chart is an image with a name and a description, because the
// table next to it is what a screen reader reads.

const SVG_NS = 'http://www.w3.org/2000/svg';

let chartSeq = 0;

// svg('rect', {x: 1}, child, 'text') -> an SVG element.
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      el.setAttribute(k, String(v));
    }
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// A label cut to fit about `max` units of width, a CJK character counting
// as two (the whole label stays in <title>).
function clip(text, max) {
  const wide = (c) => /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c);
  const chars = [...String(text)];
  let used = 0;
  for (let i = 0; i < chars.length; i++) {
    used += wide(chars[i]) ? 2 : 1;
    if (used > max) return `${chars.slice(0, i - 1).join('')}…`;
  }
  return chars.join('');
}

// The axis step: 1, 2 or 5 times a power of ten, so that about four steps
// reach v; whole numbers only when the data are counts.
function niceStep(v, integer) {
  if (v <= 0) return 1;
  const raw = v / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  let step = 10 * p;
  for (const m of [1, 2, 5]) if (m * p >= raw) { step = m * p; break; }
  return integer ? Math.max(1, Math.round(step)) : step;
}

// barChart({title, desc, series: [{key, label, className}], rows: [{label,
// values: {key: n}}], format, labelUnits}) -> <figure> holding the <svg>
// and a legend. With one series the bars are plain; with several they are
// stacked in series order and the total is written after each bar.
export function barChart({ title, desc, series, rows, format = (n) => String(n), labelUnits = 30, className = '' }) {
  const id = `chart-${++chartSeq}`;
  const labelW = 200;
  const valueW = 80;
  const plotW = 470;
  const barH = 18;
  const gap = 10;
  const top = 12;
  const axisH = 26;
  const width = labelW + plotW + valueW;
  const height = top + rows.length * (barH + gap) + axisH;
  const totals = rows.map((r) => series.reduce((s, se) => s + Math.max(0, Number(r.values[se.key]) || 0), 0));
  const integer = totals.every((n) => Number.isInteger(n));
  const top1 = Math.max(0, ...totals);
  const step = niceStep(top1, integer);
  const max = Math.max(step, Math.ceil(top1 / step) * step);
  const scale = (n) => (n / max) * plotW;

  const root = svg('svg', {
    class: `chart chart-bars ${className}`.trim(),
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-labelledby': `${id}-title ${id}-desc`,
    'data-rows': rows.length,
    preserveAspectRatio: 'xMinYMin meet',
  },
  svg('title', { id: `${id}-title` }, title),
  svg('desc', { id: `${id}-desc` }, desc || ''));

  // Grid lines and axis ticks: 0, a quarter, ... the maximum.
  const grid = svg('g', { class: 'chart-grid' });
  const axisY = top + rows.length * (barH + gap);
  for (let i = 0; i * step <= max + step / 1e6; i++) {
    const v = i * step;
    const x = labelW + scale(v);
    grid.append(
      svg('line', { x1: x, x2: x, y1: top - 4, y2: axisY, class: i === 0 ? 'chart-axis' : 'chart-gridline' }),
      svg('text', { x, y: axisY + 16, 'text-anchor': 'middle', class: 'chart-tick' }, Number.isInteger(v) ? format(v) : format(Number(v.toFixed(2)))));
  }
  root.append(grid);

  rows.forEach((r, i) => {
    const y = top + i * (barH + gap);
    const g = svg('g', { class: 'chart-row', 'data-label': r.label });
    g.append(svg('text', { x: labelW - 8, y: y + barH / 2, 'text-anchor': 'end', 'dominant-baseline': 'central', class: 'chart-label' },
      svg('title', null, r.label), clip(r.label, labelUnits)));
    let x = labelW;
    for (const se of series) {
      const v = Math.max(0, Number(r.values[se.key]) || 0);
      if (!v) continue;
      const w = Math.max(scale(v), 1);
      g.append(svg('rect', {
        x: x.toFixed(2), y, width: w.toFixed(2), height: barH, rx: 2,
        class: `chart-bar ${se.className || ''}`.trim(), 'data-series': se.key, 'data-value': v,
      }, svg('title', null, `${r.label} · ${se.label}: ${format(v)}`)));
      x += w;
    }
    g.append(svg('text', { x: x + 6, y: y + barH / 2, 'dominant-baseline': 'central', class: 'chart-value' }, format(totals[i])));
    root.append(g);
  });

  const figure = document.createElement('figure');
  figure.className = 'chart-figure';
  const wrap = document.createElement('div');
  wrap.className = 'chart-wrap';
  wrap.append(root);
  figure.append(wrap);
  if (series.length > 1) {
    const legend = document.createElement('ul');
    legend.className = 'chart-legend';
    for (const se of series) {
      const li = document.createElement('li');
      const key = svg('svg', { width: 14, height: 14, viewBox: '0 0 14 14', 'aria-hidden': 'true', class: 'chart-key' },
        svg('rect', { x: 0, y: 0, width: 14, height: 14, rx: 2, class: `chart-bar ${se.className || ''}`.trim() }));
      li.append(key, document.createTextNode(` ${se.label}`));
      legend.append(li);
    }
    figure.append(legend);
  }
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  figure.prepend(caption);
  return figure;
}
