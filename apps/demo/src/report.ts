import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Dataset } from './data.js'
import type { RunResult } from './run.js'

const require = createRequire(import.meta.url)

/** Inlines a file of the uPlot package, so the report needs no network and no other files. */
export function uplotFile(name: string): string {
  return readFileSync(require.resolve(`uplot/dist/${name}`), 'utf8')
}

export const escape = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

/**
 * A self-contained HTML report: per run, loss and accuracy curves (drawn by uPlot, inlined) and a
 * grid of misclassified test digits with their true and predicted labels.
 */
export function renderReport(results: readonly RunResult[], test: Dataset): string {
  const curves = results.map((r) => ({
    label: r.label,
    epochs: r.history.map((h) => h.epoch + 1),
    loss: r.history.map((h) => h.loss),
    valLoss: r.history.map((h) => h.valLoss ?? null),
    valAccuracy: r.history.map((h) => h.valAccuracy ?? null),
  }))
  const pixels = test.x.data
  const mistakes = results.map((r) =>
    r.mistakes.map((m) => ({ ...m, pixels: Array.from(pixels.subarray(m.row * 784, (m.row + 1) * 784), (v) => Math.round(v * 255)) })),
  )
  const rows = results
    .map((r) => `<tr><td>${escape(r.label)}</td><td>${(100 * r.testAccuracy).toFixed(2)}%</td><td>${r.history.at(-1)?.loss.toFixed(4) ?? ''}</td><td>${r.seconds.toFixed(1)} s</td></tr>`)
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>@gd MNIST demo report</title>
<style>${uplotFile('uPlot.min.css')}
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222 }
table { border-collapse: collapse } td, th { border: 1px solid #ccc; padding: 4px 10px }
.charts { display: flex; flex-wrap: wrap; gap: 24px } .digits { display: flex; flex-wrap: wrap; gap: 6px }
.digit { text-align: center; font-size: 12px } canvas.px { image-rendering: pixelated; width: 56px; height: 56px; border: 1px solid #ddd }
</style></head><body>
<h1>@gd MNIST demo</h1>
<table><tr><th>run</th><th>test accuracy</th><th>final train loss</th><th>time</th></tr>
${rows}
</table>
<h2>Curves</h2><div class="charts"><div id="loss"></div><div id="acc"></div></div>
<h2>Misclassified test digits (true → predicted)</h2><div id="mistakes"></div>
<script>${uplotFile('uPlot.iife.min.js')}</script>
<script>
const curves = ${JSON.stringify(curves)};
const mistakes = ${JSON.stringify(mistakes)};
const palette = ['#3366cc', '#dc3912', '#ff9900', '#109618', '#990099', '#0099c6', '#dd4477', '#66aa00'];
function chart(id, title, key, label) {
  const x = curves[0].epochs;
  const series = [{ label: 'epoch' }];
  const data = [x];
  curves.forEach((c, i) => { series.push({ label: c.label + ' ' + label, stroke: palette[i % 8], width: 2 }); data.push(c[key]); });
  new uPlot({ title, width: 560, height: 300, scales: { x: { time: false } }, series }, data, document.getElementById(id));
}
chart('loss', 'loss per epoch', 'loss', 'train loss');
chart('acc', 'test accuracy per epoch', 'valAccuracy', 'test accuracy');
const box = document.getElementById('mistakes');
mistakes.forEach((list, r) => {
  const h = document.createElement('h3'); h.textContent = curves[r].label; box.appendChild(h);
  const grid = document.createElement('div'); grid.className = 'digits'; box.appendChild(grid);
  for (const m of list) {
    const cell = document.createElement('div'); cell.className = 'digit';
    const c = document.createElement('canvas'); c.className = 'px'; c.width = 28; c.height = 28;
    const ctx = c.getContext('2d'); const img = ctx.createImageData(28, 28);
    m.pixels.forEach((v, i) => { img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = 255 - v; img.data[4 * i + 3] = 255; });
    ctx.putImageData(img, 0, 0);
    cell.appendChild(c); cell.appendChild(document.createTextNode(m.label + ' → ' + m.predicted)); grid.appendChild(cell);
  }
});
document.body.dataset.ready = 'true';
</script></body></html>
`
}
