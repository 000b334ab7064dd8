import { describe, expect, it } from 'vitest'
import { parseCommandLine, usage } from './cli.js'
import type { ClassifierSettings } from './tasks/classifier.js'
import { tasks } from './tasks/index.js'
import type { MnistSettings } from './tasks/mnistFlags.js'

const run = (argv: string[]): { task: string; settings: unknown; report: string | undefined } => {
  const command = parseCommandLine(argv)
  if (command.kind !== 'run') throw new Error(`expected a run, got ${command.kind}`)
  return { task: command.task.name, settings: command.settings, report: command.report }
}

describe('the command line', () => {
  it('runs the MLP classifier by default, exactly as before there were tasks', () => {
    const { task, settings, report } = run([])
    expect(task).toBe('classifier')
    expect(report).toBeUndefined()
    expect((settings as ClassifierSettings).runs).toEqual([{ model: 'mlp', optimizer: 'adam', lr: undefined, schedule: 'cosine', batch: 64, epochs: 12, seed: 0 }])
    expect((settings as ClassifierSettings).limit).toBe(Infinity)
  })

  it('reads each generative task\'s flags over its own defaults', () => {
    expect(run(['--task', 'autoencoder']).settings).toEqual({ epochs: 20, lr: 3e-3, batch: 64, latent: 32, seed: 0, limit: Infinity })
    expect(run(['--task=vae', '--latent', '2', '--epochs=3', '--report', 'r.html'])).toEqual({
      task: 'vae', report: 'r.html', settings: { epochs: 3, lr: 2e-3, batch: 64, latent: 2, seed: 0, limit: Infinity } satisfies MnistSettings,
    })
    expect(run(['--task', 'gan', '--scorer', 'mlp']).settings).toEqual({ model: 'mlp', r1: 10, epochs: 80, lr: 5e-4, batch: 32, latent: 64, seed: 0, limit: Infinity, scorer: 'mlp' })
    expect(run(['--task', 'gan', '--model', 'dcgan', '--epochs', '3']).settings).toEqual({ model: 'dcgan', r1: 10, epochs: 3, lr: 2e-4, batch: 32, latent: 64, seed: 0, limit: Infinity, scorer: 'cnn' })
    expect(run(['--task', 'gan', '--r1', '0']).settings).toMatchObject({ r1: 0 })
    expect(() => parseCommandLine(['--task', 'gan', '--r1=-1'])).toThrow('--r1 must be a non-negative number, got "-1"')
    expect(() => parseCommandLine(['--task', 'gan', '--model', 'cnn'])).toThrow('--model must be one of mlp, dcgan, got "cnn"')
    expect(() => parseCommandLine(['--task', 'gan', '--scorer', 'svm'])).toThrow('--scorer must be one of mlp, cnn, got "svm"')
    expect(run(['--task', 'cartpole', '--max-seconds', '5', '--episodes', '10']).settings).toEqual({ maxSeconds: 5, episodes: 10 })
  })

  it('says when a flag belongs to another task, and lists the task\'s own flags', () => {
    expect(() => parseCommandLine(['--task', 'vae', '--model', 'cnn'])).toThrow(
      '--model does not apply to --task vae (it is a flag of --task classifier, --task gan, --task names); the flags of --task vae are --epochs, --lr, --batch, --latent, --seed, --limit',
    )
    expect(() => parseCommandLine(['--latent', '8'])).toThrow('--latent does not apply to --task classifier (it is a flag of --task autoencoder, --task vae')
    expect(() => parseCommandLine(['--task', 'cartpole', '--epochs', '3'])).toThrow('--epochs does not apply to --task cartpole (it is a flag of --task classifier, --task autoencoder, --task vae')
  })

  it('rejects bad values with the flag, the valid values and what it got', () => {
    expect(() => parseCommandLine(['--task', 'gan2'])).toThrow(`--task must be one of ${tasks.map((t) => t.name).join(', ')}, got "gan2"`)
    expect(() => parseCommandLine(['--task', 'autoencoder', '--epochs', '0'])).toThrow('--epochs must be a positive integer, got "0"')
    expect(() => parseCommandLine(['--task', 'vae', '--latent', '2.5'])).toThrow('--latent must be a positive integer, got "2.5"')
    expect(() => parseCommandLine(['--task', 'vae', '--seed', ''])).toThrow('--seed must be a non-negative integer, got ""')
    expect(() => parseCommandLine(['--task', 'autoencoder', '--lr', 'fast'])).toThrow('--lr must be a positive number, got "fast"')
    expect(() => parseCommandLine(['--task', 'cartpole', '--max-seconds', 'Infinity'])).toThrow('--max-seconds must be a positive number, got "Infinity"')
    expect(() => parseCommandLine(['--task', 'vae', 'extra'])).toThrow('unexpected argument "extra"')
    expect(() => parseCommandLine(['--frobnicate'])).toThrow("Unknown option '--frobnicate'")
  })

  it('prints help: every task in general, a task\'s own flags with --task', () => {
    const general = parseCommandLine(['--help'])
    expect(general).toEqual({ kind: 'help', text: usage() })
    for (const task of tasks) expect(usage()).toContain(`  ${task.name}`)
    const vae = parseCommandLine(['--task', 'vae', '--help'])
    expect(vae.kind === 'help' && vae.text).toContain('--latent <N>                 size of the latent code (default 16)')
    expect(vae.kind === 'help' && vae.text).not.toContain('--model')
  })

  it('declares each flag name with one type across tasks (the parser reads them all at once)', () => {
    const types = new Map<string, string>()
    for (const task of tasks) {
      for (const [name, flag] of Object.entries(task.flags)) {
        expect(types.get(name) ?? flag.type, `--${name}`).toBe(flag.type)
        types.set(name, flag.type)
      }
    }
  })
})
