import { describe, expect, it } from 'vitest'
import { parseCommandLine } from '../cli.js'
import { gan, ganDefaults } from './gan.js'

describe('--task gan', () => {
  it("takes its defaults from the gan example, in the demo's flag names", () => {
    const command = parseCommandLine(['--task', 'gan'])
    expect(command.kind).toBe('run')
    if (command.kind !== 'run') return
    expect(command.settings).toMatchObject({
      model: 'mlp',
      ...ganDefaults.mlp,
      r1: 10,
      shift: 0,
      temperature: 1,
      scorer: 'cnn',
    })
    const dcgan = parseCommandLine(['--task', 'gan', '--model', 'dcgan', '--shift', '1', '--r1', '0'])
    if (dcgan.kind !== 'run') throw new Error('expected a run')
    expect(dcgan.settings).toMatchObject({ model: 'dcgan', lr: 2e-4, shift: 1, r1: 0 })
    expect(() => parseCommandLine(['--task', 'gan', '--shift', '-1'])).toThrow(
      '--shift must be a non-negative integer, got "-1"',
    )
    expect(() => parseCommandLine(['--task', 'gan', '--temperature', '1.5'])).toThrow(
      '--temperature must be a number in (0, 1], got "1.5"',
    )
    expect(() => parseCommandLine(['--task', 'gan', '--temperature', '0'])).toThrow(
      '--temperature must be a number in (0, 1], got "0"',
    )
  })

  it('runs as a task: scores real and generated digits with the classifier and shows a grid of generated digits', async () => {
    const lines: string[] = []
    const settings = {
      ...ganDefaults.mlp,
      model: 'mlp' as const,
      r1: 10,
      shift: 1,
      temperature: 0.8,
      epochs: 1,
      seed: 0,
      limit: 600,
      scorer: 'mlp' as const,
    }
    const outcome = await gan.run(settings, { log: (l) => lines.push(l) })
    const text = lines.join('\n')
    expect(text).toMatch(/score of the 120 real test digits \d\.\d\d/)
    expect(text).toMatch(/shifts up to 1 pixels/)
    expect(text).toMatch(/epoch 1\/1 {2}D loss \d\.\d{3} {2}G loss \d\.\d{3} {2}score \d\.\d\d/)
    expect(text).toMatch(
      /score of 1000 generated digits at temperature 0\.8: \d\.\d\d \(at temperature 1 \d\.\d\d, real test digits \d\.\d\d\)/,
    )
    expect(outcome.html).toContain('Generated digits (temperature 0.8)')
    expect(outcome.html).toContain('data-images="100"')
  }, 60_000) // an epoch of GAN training, 1000 digits scored: 7 s on a half-loaded 2-core machine; the 15 s default would trip under load
})
