import { escape, uplotFile } from './report.js'

/** A grid of 28×28 images, `columns` to a row. */
export interface DigitGrid {
  title: string
  columns: number
  /** n × 784 pixel values, 0 (white) to 1 (black ink); values outside [0, 1] are clamped. */
  images: Float32Array
}

/** A chart of one or more series against a common x axis. */
export interface Chart {
  title: string
  x: readonly number[]
  series: readonly { label: string; values: readonly (number | null)[] }[]
}

/** What a generative task's report shows. */
export interface DigitsReport {
  title: string
  /** Rows of the summary table: name and value. */
  summary: readonly (readonly [string, string])[]
  charts: readonly Chart[]
  grids: readonly DigitGrid[]
}

/** The pixels as bytes (0–255, clamped), base64-encoded: a fifth of the size of a JSON array. */
function encodePixels(images: Float32Array): string {
  const bytes = new Uint8Array(images.length)
  for (let i = 0; i < images.length; i++) bytes[i] = Math.round(255 * Math.min(1, Math.max(0, images[i]!)))
  return Buffer.from(bytes).toString('base64')
}

/**
 * A self-contained HTML report for the generative tasks: a summary table, curves (uPlot, inlined)
 * and grids of digits, each grid drawn on one canvas from its pixels, which the page carries as
 * base64 bytes.
 */
export function renderDigitsReport(report: DigitsReport): string {
  const grids = report.grids.map((g) => {
    if (g.images.length % 784 !== 0)
      throw new Error(
        `renderDigitsReport: grid "${g.title}" must hold whole 28×28 images, got ${g.images.length} values`,
      )
    return { title: g.title, columns: g.columns, count: g.images.length / 784, pixels: encodePixels(g.images) }
  })
  const rows = report.summary.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('\n')
  const gridHtml = grids
    .map((g, i) => `<h2>${escape(g.title)}</h2><canvas class="grid" id="grid-${i}" data-images="${g.count}"></canvas>`)
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(report.title)}</title>
<style>${uplotFile('uPlot.min.css')}
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222 }
table { border-collapse: collapse } td, th { border: 1px solid #ccc; padding: 4px 10px; text-align: left }
.charts { display: flex; flex-wrap: wrap; gap: 24px } canvas.grid { image-rendering: pixelated; border: 1px solid #ddd }
</style></head><body>
<h1>${escape(report.title)}</h1>
<table>
${rows}
</table>
${report.charts.length === 0 ? '' : '<h2>Curves</h2>'}<div class="charts" id="charts"></div>
${gridHtml}
<script>${uplotFile('uPlot.iife.min.js')}</script>
<script>
const charts = ${JSON.stringify(report.charts)};
const grids = ${JSON.stringify(grids)};
const palette = ['#3366cc', '#dc3912', '#ff9900', '#109618', '#990099', '#0099c6', '#dd4477', '#66aa00'];
charts.forEach((c) => {
  const box = document.createElement('div'); document.getElementById('charts').appendChild(box);
  const series = [{ label: 'epoch' }, ...c.series.map((s, i) => ({ label: s.label, stroke: palette[i % 8], width: 2 }))];
  new uPlot({ title: c.title, width: 560, height: 300, scales: { x: { time: false } }, series }, [c.x, ...c.series.map((s) => s.values)], box);
});
grids.forEach((g, i) => {
  const bytes = Uint8Array.from(atob(g.pixels), (ch) => ch.charCodeAt(0));
  const rows = Math.ceil(g.count / g.columns);
  const canvas = document.getElementById('grid-' + i);
  canvas.width = g.columns * 30; canvas.height = rows * 30;
  canvas.style.width = 2 * canvas.width + 'px'; canvas.style.height = 2 * canvas.height + 'px';
  const ctx = canvas.getContext('2d'); ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let k = 0; k < g.count; k++) {
    const img = ctx.createImageData(28, 28);
    for (let p = 0; p < 784; p++) {
      const v = 255 - bytes[k * 784 + p];
      img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = v; img.data[4 * p + 3] = 255;
    }
    ctx.putImageData(img, (k % g.columns) * 30 + 1, Math.floor(k / g.columns) * 30 + 1);
  }
});
document.body.dataset.ready = 'true';
</script></body></html>
`
}
