#!/usr/bin/env node
// The docs in a real browser: serves the built site (.vitepress/dist) on 127.0.0.1, visits every guide
// page in Debian's headless Chromium (playwright-core), waits for each live plot to draw, and fails on
// any page error, console error or plot without data. Then it follows every internal link, from the
// guide pages and onward through the API reference (typedoc's pages, copied into the site at build
// time), and fails on any that does not resolve. Screenshots go to .vitepress/screenshots/. `--only <text>` visits
// only the pages whose path contains the text.
import { createReadStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '@gd/consumer/browser'

const here = dirname(fileURLToPath(import.meta.url))
const dist = join(here, '.vitepress', 'dist')
const shots = join(here, '.vitepress', 'screenshots')
const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

function pages(dir, prefix = '') {
  return readdirSync(dir).flatMap((f) => {
    const full = join(dir, f)
    if (statSync(full).isDirectory()) return f === 'api' || f === 'assets' ? [] : pages(full, `${prefix}${f}/`)
    return f.endsWith('.html') && f !== '404.html' ? [`/${prefix}${f.replace(/(index)?\.html$/, '')}`] : []
  })
}

function serve() {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    let file = join(dist, path)
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html')
    else if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`
    if (!existsSync(file)) return res.writeHead(404).end('not found')
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' })
    createReadStream(file).pipe(res)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

/**
 * Fetches every link in `links` (path → the page linking it), and, for the API reference's HTML pages, every
 * internal link on them in turn; returns one problem per link that does not answer 200. Adds what it finds to `links`.
 */
async function brokenLinks(base, links) {
  const problems = []
  const queue = [...links.keys()]
  while (queue.length > 0) {
    const path = queue.shift()
    const response = await fetch(base + path)
    if (response.status !== 200) {
      problems.push(`${links.get(path)}: link ${path} gives ${response.status}`)
      continue
    }
    if (!path.startsWith('/api/') || !(response.headers.get('content-type') ?? '').startsWith('text/html')) continue
    const html = await response.text()
    for (const [, href] of html.matchAll(/href="([^"#?]*)[^"]*"/g)) {
      if (href === '' || /^[a-z]+:/i.test(href)) continue
      const target = new URL(href, base + path).pathname
      if (!links.has(target)) {
        links.set(target, path)
        queue.push(target)
      }
    }
  }
  return problems
}

/** The largest |@gd − ONNX Runtime| difference "Keep and move your model" accepts (its TOLERANCE): float32 rounding. */
const ortTolerance = 1e-4

/**
 * "Keep and move your model": the model it trained came back from safetensors bit for bit, and ONNX Runtime Web
 * (fetched by apps/docs/ort/fetch.sh before the build) ran the exported file to within float32 rounding of @gd.
 */
async function keepAndMove(page, path) {
  const box = '.keep-move[data-ort]'
  const found = await page.waitForSelector(box, { timeout: 120_000 }).catch(() => null)
  if (found === null) {
    const stage = await page.$eval('.keep-move', (e) => e.dataset.stage).catch(() => 'no widget')
    return [`${path}: the widget did not finish within 120 s (stage: ${stage})`]
  }
  const { readback, ort, difference } = await page.$eval(box, (e) => ({
    readback: e.dataset.readback,
    ort: e.dataset.ort,
    difference: Number(e.dataset.maxDifference),
  }))
  const problems = []
  if (readback !== 'identical') problems.push(`${path}: the safetensors readback is ${readback}, not identical`)
  if (ort === 'absent')
    problems.push(
      `${path}: ONNX Runtime Web is not in the site; run bash apps/docs/ort/fetch.sh before pnpm docs:build`,
    )
  else if (ort !== 'ran') {
    const said = await page.$eval('.keep-move', (e) => e.textContent.replace(/\s+/g, ' ').slice(0, 400))
    problems.push(`${path}: ONNX Runtime Web did not run the exported model (${ort}); the box says: ${said}`)
  } else if (!(difference <= ortTolerance))
    problems.push(`${path}: ONNX Runtime's logits differ from @gd's by ${difference}, over ${ortTolerance}`)
  console.log(
    `docs: ${path}: safetensors readback ${readback}; ONNX Runtime Web ${ort}, largest difference ${difference} (tolerance ${ortTolerance})`,
  )
  return problems
}

async function main() {
  if (!existsSync(dist)) throw new Error('docs: no built site; run pnpm docs:build first')
  mkdirSync(shots, { recursive: true })
  const server = await serve()
  const base = `http://127.0.0.1:${server.address().port}`
  const browser = await launchChromium()
  const problems = []
  const links = new Map() // internal link (path) → the first page linking it
  try {
    // `--only <text>`: only the pages whose path contains the text (and the links from them), for a quick look at one page
    const only = process.argv.includes('--only') ? (process.argv[process.argv.indexOf('--only') + 1] ?? '') : ''
    for (const path of pages(dist).filter((p) => p.includes(only))) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
      page.on('pageerror', (e) => problems.push(`${path}: page error: ${e.message}`))
      page.on(
        'console',
        (m) => m.type() === 'error' && problems.push(`${path}: console error: ${m.text()} (${m.location().url ?? ''})`),
      )
      page.on(
        'response',
        (r) => r.status() >= 400 && problems.push(`${path}: ${r.status()} for ${r.url().replace(base, '')}`),
      )
      await page.goto(base + path, { waitUntil: 'networkidle' })
      const plots = await page.locator('.gd-plot').count()
      if (plots > 0) {
        await page
          .waitForFunction((n) => document.querySelectorAll('.gd-plot[data-points]').length >= n, plots, {
            timeout: 60_000,
          })
          .catch(() => problems.push(`${path}: only some of ${plots} plot(s) drew within 60 s`))
        const empty = await page.locator('.gd-plot[data-points="0"]').count()
        if (empty > 0) problems.push(`${path}: ${empty} plot(s) drew no data`)
      }
      if (path === '/guide/reinforcement-learning') {
        // Seen learning: the mean return of 20 episodes climbs from random pushing's ~22 past 100, and the cart is animated.
        const best = () => page.$eval('.rl-status[data-best]', (e) => Number(e.dataset.best)).catch(() => NaN)
        await page
          .waitForFunction(() => Number(document.querySelector('.rl-status[data-best]')?.dataset.best) >= 100, null, {
            timeout: 120_000,
          })
          .catch(async () =>
            problems.push(`${path}: REINFORCE's mean return did not reach 100 within 120 s (best ${await best()})`),
          )
        const frames = () => page.$eval('canvas.cartpole-canvas', (c) => Number(c.dataset.frames)).catch(() => 0)
        const before = await frames()
        await page.waitForTimeout(2000)
        const drawn = (await frames()) - before
        if (!(drawn >= 10)) problems.push(`${path}: the cart-pole canvas drew ${drawn} frame(s) in 2 s`)
        console.log(
          `docs: ${path} learned: best mean return of 20 episodes ${await best()}; ${drawn} frames of the cart in 2 s`,
        )
      }
      if (path === '/guide/keep-and-move') problems.push(...(await keepAndMove(page, path)))
      const anchors = await page.$$eval('a[href]', (as) =>
        as.map((a) => [a.getAttribute('href'), a.hasAttribute('target')]),
      )
      for (const [href, leaves] of anchors) {
        const url = new URL(href, base + path)
        if (url.origin !== base || url.protocol === 'blob:') continue // blob: the files a page made for download
        // Without a target, VitePress's router would intercept the click and show its own 404.
        if (url.pathname.startsWith('/api/') && !leaves)
          problems.push(`${path}: API link ${href} has no target, so the app's router would take it`)
        if (!links.has(url.pathname)) links.set(url.pathname, path)
      }
      const name = path === '/' ? 'home' : path.replace(/^\/|\/$/g, '').replaceAll('/', '-')
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
      console.log(`docs: ${path} ok (${plots} plot(s))`)
      await page.close()
    }
    if ([...links.keys()].some((l) => l.startsWith('/api/')) && !existsSync(join(dist, 'api', 'index.html'))) {
      problems.push(
        'the site has no API reference: pnpm docs:build writes it (pnpm docs:api) before the VitePress build; was the site built another way?',
      )
    } else {
      problems.push(...(await brokenLinks(base, links)))
      console.log(`docs: ${links.size} internal link(s) checked, from the guide pages and through the API reference`)
    }
  } finally {
    await browser.close()
    server.close()
  }
  if (problems.length > 0) throw new Error(`docs: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`)
  console.log(`docs: every page rendered without errors; screenshots in ${shots}`)
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
