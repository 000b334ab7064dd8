// What the page "How @gd runs your code" (guide/how-gd-runs.md) states, checked: the message its released-tensor
// block prints, the output of its memory loop and the byte counts its prose gives, the growth it quotes for placed
// copies, and fit's message. memoryStats() counts from the start of the program, so each check runs in a fresh Node
// process, as the page's blocks run for a reader (and for `pnpm snippets`, which only checks that they run).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const here = fileURLToPath(new URL('.', import.meta.url))
const page = readFileSync(join(here, 'guide', 'how-gd-runs.md'), 'utf8')
/** The page with every run of whitespace as one space, for sentences that wrap. */
const prose = page.replace(/\s+/g, ' ')
const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
const fences = [...page.matchAll(/```text\n([\s\S]*?)```/g)].map((m) => m[1])

/** The page's one ts block that contains `text`. */
function block(text) {
  const found = blocks.filter((b) => b.includes(text))
  expect(found).toHaveLength(1)
  return found[0]
}

// A git-ignored folder inside apps/docs, so that the @gd packages resolve from the scripts as from a page's block.
mkdirSync(join(here, '.vitepress', 'cache'), { recursive: true })
const scratch = mkdtempSync(join(here, '.vitepress', 'cache', 'how-gd-runs-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Runs TypeScript `code` in a fresh Node process from the packages' source, as `pnpm snippets` does; its stdout lines. */
function run(name, code) {
  const file = join(scratch, `${name}.ts`)
  writeFileSync(file, code)
  const out = execFileSync(process.execPath, ['--conditions=@gd/source', '--import', 'tsx', file], {
    cwd: scratch,
    encoding: 'utf8',
    env: { ...process.env, GD_SCOPES: '' }, // the default, whatever the shell running the tests says
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return out.trim().split('\n')
}

// Each test starts Node with tsx and trains a little: 2-6 s alone, several times that on a loaded 2-core machine.
const SLOW = 120_000

describe('the page "How @gd runs your code"', () => {
  it(
    'prints the released-tensor message its comment shows',
    () => {
      const code = block('hidden!.toArray()')
      const lines = code.split('\n')
      const at = lines.findIndex((l) => l.includes('console.log((e as Error).message)'))
      const stated = []
      for (let i = at + 1; /^\s*\/\/ /.test(lines[i]); i++) stated.push(lines[i].trim().slice(3))
      expect(stated.join(' ')).toMatch(/^valueAndGrad: this tensor was an intermediate of valueAndGrad/)
      expect(run('released', code)).toEqual([stated.join(' ')])
    },
    SLOW,
  )

  it(
    "prints the memory loop's numbers, flat from step 250 to 1000, and its prose explains them",
    () => {
      const code = block('memoryStats()')
      const [, used, pooled] = code.match(/\/\/ step 250: used (\d+), pooled (\d+), fallbacks 0/)
      expect(run('loop', code)).toEqual(
        [250, 500, 750, 1000].map((step) => `step ${step}: used ${used}, pooled ${pooled}, fallbacks 0`),
      )
      // the prose: 18,944 parameters (64·256 + 256·10) of 4 bytes, and AdamW's two moments of the same size
      const parameters = 64 * 256 + 256 * 10
      expect(Number(used)).toBe(3 * 4 * parameters)
      const grouped = (n) => n.toLocaleString('en-US')
      for (const n of [parameters, 4 * parameters, Number(used), Number(pooled)]) expect(prose).toContain(grouped(n))
    },
    SLOW,
  )

  it(
    'grows usedBytes by placed copies kept each step, and not by kept results, by the amounts it quotes',
    () => {
      // the page's loop, 300 steps, keeping each step's gradients, and placing a copy of them too when asked
      const setup = block('memoryStats()').split('for (let step')[0]
      const loop = (place) => `${setup}
const kept: unknown[] = []
for (let step = 1; step <= 300; step++) {
  const [, grads] = lossAndGrads(params)
  kept.push(${place ? 'toWasmMemory(grads)' : 'grads'})
  state = stepInPlace(optimizer, grads, state, params)
}
console.log(memoryStats().usedBytes)
`
      const keptOnly = Number(run('kept', loop(false))[0])
      const placed = Number(run('placed', loop(true))[0])
      expect(keptOnly).toBe(227328)
      expect(placed).toBe(227328 + 300 * 4 * (64 * 256 + 256 * 10)) // 22,960,128
      expect(prose).toContain(
        `300 steps of that in the loop above took \`usedBytes\` to ${placed.toLocaleString('en-US')}`,
      )
      expect(prose).toContain(`leaves \`usedBytes\` at ${keptOnly.toLocaleString('en-US')}`)
    },
    SLOW,
  )

  it(
    'copies the bytes a step it quotes, with the batch as ordinary arrays and placed',
    () => {
      const code = block('memoryStats()')
      const perStep = (placeBatch) => {
        let setup = code.split('for (let step')[0]
        if (placeBatch) setup = setup.replace(/= normal\((k[12]), (\[[^\]]+\])\)/g, '= toWasmMemory(normal($1, $2))')
        const [line] = run(
          placeBatch ? 'copied-placed' : 'copied',
          `${setup}
let before = 0
for (let step = 1; step <= 200; step++) {
  const [, grads] = lossAndGrads(params)
  state = stepInPlace(optimizer, grads, state, params)
  if (step === 100) before = memoryStats().copiedBytes
}
console.log((memoryStats().copiedBytes - before) / 100)
`,
        )
        return Number(line)
      }
      const ordinary = perStep(false)
      const placed = perStep(true)
      expect(prose).toContain(`${ordinary.toLocaleString('en-US')} a step here`)
      expect(prose).toContain(`the loop copies ${placed.toLocaleString('en-US')} bytes a step`)
      // the batch's part: x (128·64 floats) read by the product and by its gradient, y (128·10) once
      expect(ordinary - placed).toBe(4 * (2 * 128 * 64 + 128 * 10))
    },
    SLOW,
  )

  it(
    'copies only the batch a step when the loop is written with trainStep, as it says',
    () => {
      const setup = block('memoryStats()').split('for (let step')[0]
      // the loop's loss, taken from its valueAndGrad
      const loss = setup.match(/valueAndGrad\(([\s\S]*?),\n\)\n/)[1]
      const [line] = run(
        'copied-train-step',
        `import { trainStep } from '@gd/train'
${setup}
const step = trainStep(${loss}, optimizer)
let before = 0
for (let i = 1; i <= 200; i++) {
  ;[, state] = step(params, state)
  if (i === 100) before = memoryStats().copiedBytes
}
console.log((memoryStats().copiedBytes - before) / 100)
`,
      )
      const copied = Number(line)
      expect(copied).toBe(4 * (2 * 128 * 64 + 128 * 10)) // the batch, as in the loop above; no gradient
      expect(prose).toContain(`copies ${copied.toLocaleString('en-US')} bytes a step: the batch, and no gradient`)
    },
    SLOW,
  )

  it(
    "shows fit's message for gradients a callback kept past onGradients",
    () => {
      const stated = fences.find((f) => f.startsWith('fit: '))
      const printed = run(
        'fit',
        `import { mean, square, sub, type Var } from '@gd/autograd'
import { linear } from '@gd/nn'
import { adam } from '@gd/optimizers'
import { initWasm, normal, prngKey, splitKey, type Tensor } from '@gd/tensor'
import { fit } from '@gd/train'

await initWasm()
const [k1, k2] = splitKey(prngKey(0), 2)
const model = linear(32, 16)
let kept: { w: Tensor } | undefined
fit({
  model,
  params: model.init(0),
  data: { x: normal(k1, [64, 32]), y: normal(k2, [64, 16]) },
  optimizer: adam({ learningRate: 1e-2 }),
  loss: (p: Var, y: Tensor) => mean(square(sub(p, y))),
  epochs: 1,
  batchSize: 32,
  callbacks: [{ name: 'keeper', onGradients: (_ctx, info) => void (kept = info.grads as { w: Tensor }) }],
})
try {
  kept!.w.toArray()
} catch (e) {
  console.log((e as Error).message)
}
`,
      )
      expect(printed).toEqual([stated.trim().split('\n').join(' ')])
    },
    SLOW,
  )
})
