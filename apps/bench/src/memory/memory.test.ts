import { describe, expect, it } from 'vitest'
import { initWasm } from '@gd/tensor'
import { parseArgs } from '../cli.js'
import { fitLoop, valueAndGradLoop } from './loops.js'
import { memoryMarkdown, verdict } from './report.js'
import { memoryLoops } from './run.js'
import { memorySampler, type LoopMeasure } from './sampler.js'

const measure = (o: Partial<LoopMeasure>): LoopMeasure => ({
  steps: 100,
  msPerStep: 2,
  rssWarm: 200e6,
  rssEnd: 200e6,
  rssMax: 200e6,
  rssMaxAt: 0,
  heapWarm: 40e6,
  heapEnd: 60e6,
  heapMax: 61e6,
  youngWarm: 8.4e6,
  youngEnd: 33.6e6,
  buffersWarm: 3e6,
  buffersMax: 20.4e6,
  gcMs: 4,
  gcShare: 0.02,
  ...o,
})

describe('memory mode', () => {
  it('parses --memory and rejects it with --threads or --profile', () => {
    expect(parseArgs(['--memory', '--quick'])).toEqual({ quick: true, memory: true, out: 'results' })
    expect(() => parseArgs(['--memory', '--threads'])).toThrow(
      'bench: --memory runs its own loops on one thread; leave out --threads',
    )
    expect(() => parseArgs(['--profile', '--memory'])).toThrow(
      'bench: --memory runs its own loops on one thread; leave out --profile',
    )
  })

  it("has issue 18's two loops, 100,000 and 10,000 steps in full mode", () => {
    expect(memoryLoops(false).map((l) => [l.name, l.steps])).toEqual([
      ['valueAndGrad + stepInPlace ×100,000', 100_000],
      ['fit ×10,000', 10_000],
    ])
    // warm-up: 10% of the steps; RSS readings: every 1%
    expect(memoryLoops(false)[0]!.sampler).toEqual({ warmup: 10_000, every: 1000 })
    expect(memoryLoops(false)[1]!.sampler).toEqual({ warmup: 1000, every: 100 })
    expect(memoryLoops(true).map((l) => l.steps)).toEqual([2000, 500])
  })

  it('the sampler counts the steps after its warm-up and reads RSS and GC time', () => {
    const readings: number[] = []
    const watch = memorySampler({ warmup: 3, every: 2, onReading: (steps) => readings.push(steps) })
    let garbage: number[][] = []
    for (let i = 0; i < 10; i++) {
      garbage = Array.from({ length: 1000 }, () => [i])
      watch.tick()
    }
    const m = watch.finish()
    expect(garbage).toHaveLength(1000)
    expect(m.steps).toBe(7) // 10 ticks, 3 of them warm-up
    expect(readings).toEqual([2, 4, 6]) // every 2 measured steps (ticks 5, 7, 9)
    expect(m.rssWarm).toBeGreaterThan(0)
    expect(m.rssMax).toBeGreaterThanOrEqual(Math.max(m.rssWarm, m.rssEnd))
    expect([0, 2, 4, 6, 7]).toContain(m.rssMaxAt) // at the warm-up, a reading or the end
    expect(m.heapMax).toBeGreaterThanOrEqual(Math.max(m.heapWarm, m.heapEnd))
    expect(m.youngWarm).toBeGreaterThan(0) // V8's new space, never empty
    expect(m.buffersMax).toBeGreaterThanOrEqual(m.buffersWarm)
    expect(m.gcShare).toBeGreaterThanOrEqual(0)
    expect(m.gcShare).toBeLessThanOrEqual(1)
  })

  it('the sampler rejects bad options and a loop no longer than its warm-up', () => {
    expect(() => memorySampler({ warmup: -1, every: 1 })).toThrow(
      'memorySampler: warmup must be a non-negative integer, got -1',
    )
    expect(() => memorySampler({ warmup: 0, every: 0.5 })).toThrow(
      'memorySampler: every must be a positive integer, got 0.5',
    )
    const watch = memorySampler({ warmup: 2, every: 1 })
    watch.tick()
    expect(() => watch.finish()).toThrow('memorySampler: the loop ran 1 steps, not more than its warm-up 2')
  })

  it('names the targets a loop misses', () => {
    expect(verdict({ ...measure({}), loss: 1 })).toBe('met')
    // 200 MB → 230 MB at most: +15%; 6% of the time in GC; 3 fallbacks
    expect(verdict({ ...measure({ rssMax: 230e6, gcShare: 0.06 }), loss: 1, fallbacks: 3 })).toBe(
      'missed: RSS grew +15.0% (over 10%); 3 fallbacks; GC 6.0% (not under 5%)',
    )
    const md = memoryMarkdown([{ loop: 'l', result: { ...measure({ rssEnd: 190e6 }), loss: 1 } }]).split('\n')
    // 190 / 200 − 1 = −5%; 4 ms of GC over 100 steps
    expect(md[2]).toBe(
      '| l | 100 | 2.00 | 200 | 190 | 200 | −5.0% | +0.0% | 0 | 40→61 | 8→34 | 3→20 | n/a | n/a | n/a | n/a | 2.0% | 0.0400 | met |',
    )
  })

  it('both loops train: the loss falls from ln 3 ≈ 1.0986 at the start', async () => {
    await initWasm()
    const model = { sizes: [16, 8, 3], batch: 8, examples: 32 }
    const sampler = { warmup: 10, every: 10 }
    for (const loop of [valueAndGradLoop(model, 60, sampler), fitLoop(model, 60, sampler)]) {
      const r = loop.run()
      expect(r.steps).toBe(50)
      expect(r.loss).toBeGreaterThan(0)
      expect(r.loss).toBeLessThan(1.0986)
      expect(r.fallbacks).toBe(0)
      expect(r.arenaEndBytes).toBeGreaterThanOrEqual(0)
      expect(r.copiedBytesPerStep).toBeGreaterThanOrEqual(0)
    }
  })
})
