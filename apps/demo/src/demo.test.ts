import { describe, expect, it } from 'vitest'
import { parseCommandLine } from './cli.js'
import { loadDigits } from './data.js'
import { renderReport } from './report.js'
import { runOne } from './run.js'
import type { ClassifierSettings } from './tasks/classifier.js'

const quiet = { write: () => true, isTTY: false }

/** The classifier settings a command line asks for. */
function parseDemoArgs(argv: string[]): ClassifierSettings {
  const command = parseCommandLine(argv)
  if (command.kind !== 'run') throw new Error(`expected a run, got ${command.kind}`)
  return command.settings as ClassifierSettings
}

describe('the MNIST demo', () => {
  const data = loadDigits({ limit: 3000, seed: 1 })

  it('splits real digits by class: every digit keeps its share in the test set', () => {
    // each class's share is rounded, so the total can be off by a few
    expect(Math.abs(data.train.y.size + data.test.y.size - 3000)).toBeLessThanOrEqual(5)
    const count = (y: Int32Array, d: number) => y.filter((v) => v === d).length
    for (let d = 0; d < 10; d++) {
      const share = count(data.test.y.data, d) / (count(data.test.y.data, d) + count(data.train.y.data, d))
      // 20% of each class, up to rounding of a few hundred images
      expect(Math.abs(share - 0.2)).toBeLessThan(0.01)
    }
  })

  it('runs end to end: the MLP learns past 80% test accuracy in three epochs, and the report has its curves and digits', () => {
    const settings = parseDemoArgs(['--epochs', '3']).runs[0]!
    const result = runOne(settings, data, quiet)
    expect(result.history).toHaveLength(3)
    expect(result.history[2]!.loss).toBeLessThan(result.history[0]!.loss)
    // Shifts and dropout slow the first epochs on 2,400 digits (82–83% here); the full demo reaches 96%.
    expect(result.testAccuracy).toBeGreaterThan(0.8)
    const html = renderReport([result], data.test)
    expect(html).toContain('uPlot')
    expect(html).toContain('Misclassified test digits')
    expect(html).not.toContain('<script src=')
  })

  it('trains the CNN (its filter gradients and batchNorm state work): above 60% after one epoch on 2,400 digits', () => {
    const settings = parseDemoArgs(['--model', 'cnn', '--epochs', '1', '--compare', 'adam']).runs[0]!
    expect(runOne(settings, data, quiet).testAccuracy).toBeGreaterThan(0.6)
  })

  it('rejects bad flags with the valid values', () => {
    expect(() => parseDemoArgs(['--optimizer', 'adamm'])).toThrow('--optimizer must be one of adam, adamw, sgd, momentum, nesterov, rmsprop, adagrad, lion, got "adamm"')
    expect(() => parseDemoArgs(['--batch', '0'])).toThrow('--batch must be full, 1 or a positive integer, got "0"')
    expect(() => parseDemoArgs(['--lr=-1'])).toThrow('--lr must be a positive number, got "-1"')
    expect(() => parseDemoArgs(['--frobnicate'])).toThrow("Unknown option '--frobnicate'")
    expect(parseDemoArgs(['--compare', 'sgd,adam', '--batch', 'full']).runs.map((r) => [r.optimizer, r.batch])).toEqual([['sgd', 'full'], ['adam', 'full']])
  })
})
