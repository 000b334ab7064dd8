// Runs a bundled script in a page of Debian's headless Chromium through playwright-core and returns
// what the page wrote to document.body.dataset.result. Fails on any page or console error.
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { chromium } from 'playwright-core'

/** Where Debian puts Chromium (`apt-get install chromium`). */
export const chromiumPath = '/usr/bin/chromium'

/**
 * Debian's Chromium, headless, with the flags this machine needs: no sandbox as root, and no
 * background networking (the closed network refuses it, noisily). Shared with the docs' page check.
 */
export async function launchChromium() {
  if (!existsSync(chromiumPath))
    throw new Error(`browser: ${chromiumPath} is missing; install it with apt-get install chromium`)
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export async function runInBrowser(bundlePath) {
  const script = readFileSync(bundlePath, 'utf8')
  const server = createServer((req, res) => {
    if (req.url === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
    } else {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><body><script type="module" src="/bundle.js"></script></body>')
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  const browser = await launchChromium()
  try {
    const page = await browser.newPage()
    const errors = []
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`))
    page.on('console', (m) => m.type() === 'error' && errors.push(`console error: ${m.text()}`))
    await page.goto(`http://127.0.0.1:${port}/`)
    await page
      .waitForFunction(() => document.body.dataset.result !== undefined || false, null, { timeout: 20000 })
      .catch(() => {})
    if (errors.length > 0) throw new Error(`browser: ${errors.join('; ')}`)
    return await page.evaluate(() => document.body.dataset.result ?? 'nothing')
  } finally {
    await browser.close()
    server.close()
  }
}
