import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Dataset } from './data.js'
import { formatLoss } from './format.js'
import type { RunResult } from './run.js'

const require = createRequire(import.meta.url)

/** Inlines a file of the uPlot package, so the report needs no network and no other files. */
export function uplotFile(name: string): string {
  return readFileSync(require.resolve(`uplot/dist/${name}`), 'utf8')
}

export const escape = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

/** One run's confusion matrix as an HTML table: rows are true classes, columns predicted ones, shaded by row share. */
export function confusionTable(confusion: readonly (readonly number[])[]): string {
  const head = `<tr><th>true ↓ predicted →</th>${confusion.map((_, p) => `<th>${p}</th>`).join('')}<th>accuracy</th></tr>`
  const rows = confusion.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0)
    const cells = row.map((count, p) => {
      const share = total === 0 ? 0 : count / total
      const colour =
        p === t ? `rgba(16, 150, 24, ${share.toFixed(3)})` : `rgba(220, 57, 18, ${Math.min(1, 5 * share).toFixed(3)})`
      return `<td style="background: ${colour}">${count}</td>`
    })
    const accuracy = total === 0 ? '–' : `${((100 * row[t]!) / total).toFixed(1)}%`
    return `<tr><th>${t}</th>${cells.join('')}<td>${accuracy}</td></tr>`
  })
  return `<table class="confusion">${head}\n${rows.join('\n')}</table>`
}

/**
 * A self-contained HTML report: a table of the runs, train and test loss and accuracy per epoch
 * (drawn by uPlot, inlined, with axis titles), and per run a confusion matrix and a grid of
 * misclassified test digits spread over the classes, with their true and predicted labels. The
 * splits have the names the terminal gives them: train and test.
 */
export function renderReport(results: readonly RunResult[], test: Dataset): string {
  const epochs = Math.max(0, ...results.map((r) => r.history.length))
  const pad = (values: readonly (number | undefined)[]): (number | null)[] =>
    Array.from({ length: epochs }, (_, i) =>
      values[i] === undefined || !Number.isFinite(values[i]) ? null : values[i]!,
    )
  const curves = results.map((r) => ({
    label: r.label,
    loss: pad(r.history.map((h) => h.loss)),
    testLoss: pad(r.history.map((h) => h.valLoss)),
    accuracy: pad(r.history.map((h) => (h.accuracy === undefined ? undefined : 100 * h.accuracy))),
    testAccuracy: pad(r.history.map((h) => (h.valAccuracy === undefined ? undefined : 100 * h.valAccuracy))),
  }))
  const x = Array.from({ length: epochs }, (_, i) => i + 1)
  const pixels = test.x.data
  const mistakes = results.map((r) =>
    r.mistakes.map((m) => ({
      ...m,
      pixels: Array.from(pixels.subarray(m.row * 784, (m.row + 1) * 784), (v) => Math.round(v * 255)),
    })),
  )
  const rows = results
    .map((r) => {
      const loss = r.diverged !== undefined ? 'diverged' : formatLoss(r.history.at(-1)?.loss ?? NaN)
      return `<tr><td>${escape(r.label)}</td><td>${(100 * r.testAccuracy).toFixed(2)}%</td><td>${loss}</td><td>${r.seconds.toFixed(1)} s</td></tr>`
    })
    .join('\n')
  const warnings = results
    .filter((r) => r.diverged !== undefined)
    .map(
      (r) =>
        `<p class="warning">${escape(r.label)} diverged: ${escape(r.diverged!)}. Its learning rate is too high; try a smaller --lr.</p>`,
    )
    .join('\n')
  const perRun = results
    .map(
      (r, i) => `<h3>${escape(r.label)}</h3>
<div class="run"><div><h4>Confusion matrix of the ${test.y.size} test digits</h4>${confusionTable(r.confusion)}</div>
<div><h4>${r.mistakes.length} of the ${r.mistakeCount} misclassified test digits, spread over the classes (true → predicted)</h4><div class="digits" id="mistakes-${i}"></div></div></div>`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>@gd MNIST demo report</title>
<style>${uplotFile('uPlot.min.css')}
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222 }
table { border-collapse: collapse } td, th { border: 1px solid #ccc; padding: 4px 10px }
table.confusion td, table.confusion th { padding: 2px 6px; text-align: right; font-variant-numeric: tabular-nums }
.charts, .run { display: flex; flex-wrap: wrap; gap: 24px } .digits { display: flex; flex-wrap: wrap; gap: 6px; max-width: 720px }
.digit { display: flex; flex-direction: column; align-items: center; font-size: 12px } canvas.px { image-rendering: pixelated; width: 56px; height: 56px; border: 1px solid #ddd }
.warning { color: #b00 }
</style></head><body>
<h1>@gd MNIST demo</h1>
<table><tr><th>run</th><th>test accuracy</th><th>final train loss</th><th>time</th></tr>
${rows}
</table>
${warnings}
<h2>Curves</h2>
<p>Train: the mean over each epoch's batches, as trained (with dropout and random shifts). Test: the ${test.y.size} held-out test digits after each epoch.</p>
<div class="charts"><div id="loss"></div><div id="acc"></div></div>
<h2>Per run</h2>
${perRun}
<script>${uplotFile('uPlot.iife.min.js')}</script>
<script>
const x = ${JSON.stringify(x)};
const curves = ${JSON.stringify(curves)};
const mistakes = ${JSON.stringify(mistakes)};
const palette = ['#3366cc', '#dc3912', '#ff9900', '#109618', '#990099', '#0099c6', '#dd4477', '#66aa00'];
function chart(id, title, yTitle, train, test) {
  const series = [{ label: 'epoch' }];
  const data = [x];
  curves.forEach((c, i) => {
    series.push({ label: c.label + ', train', stroke: palette[i % 8], width: 2, dash: [6, 4] });
    series.push({ label: c.label + ', test', stroke: palette[i % 8], width: 2 });
    data.push(c[train], c[test]);
  });
  const axes = [{ label: 'epoch', incrs: [1, 2, 5, 10, 20, 50, 100] }, { label: yTitle }];
  const legend = { live: false };
  new uPlot({ title, width: 600, height: 320, scales: { x: { time: false } }, axes, legend, series }, data, document.getElementById(id));
}
if (x.length > 0) {
  chart('loss', 'loss per epoch', 'cross-entropy (nats per digit)', 'loss', 'testLoss');
  chart('acc', 'accuracy per epoch', 'accuracy (%)', 'accuracy', 'testAccuracy');
} else {
  document.getElementById('loss').textContent = 'No epoch finished, so there are no curves.';
}
mistakes.forEach((list, r) => {
  const grid = document.getElementById('mistakes-' + r);
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
