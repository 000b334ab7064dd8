import { describe, expect, it } from 'vitest'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkReportPath, parseCommandLine, taskUsage, usage } from './cli.js'
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
    expect((settings as ClassifierSettings).runs).toEqual([
      { model: 'mlp', optimizer: 'adam', lr: undefined, schedule: 'cosine', batch: 64, epochs: 12, seed: 0 },
    ])
    expect((settings as ClassifierSettings).limit).toBe(Infinity)
  })

  it("reads each generative task's flags over its own defaults", () => {
    expect(run(['--task', 'autoencoder']).settings).toEqual({
      epochs: 20,
      lr: 3e-3,
      batch: 64,
      latent: 32,
      seed: 0,
      limit: Infinity,
    })
    expect(run(['--task=vae', '--latent', '2', '--epochs=3', '--report', 'r.html'])).toEqual({
      task: 'vae',
      report: 'r.html',
      settings: { epochs: 3, lr: 2e-3, batch: 64, latent: 2, seed: 0, limit: Infinity } satisfies MnistSettings,
    })
    expect(run(['--task', 'gan', '--scorer', 'mlp']).settings).toMatchObject({
      model: 'mlp',
      r1: 10,
      epochs: 80,
      lr: 2e-3,
      batch: 64,
      latent: 64,
      seed: 0,
      limit: Infinity,
      scorer: 'mlp',
    })
    expect(run(['--task', 'gan', '--model', 'dcgan', '--epochs', '3']).settings).toMatchObject({
      model: 'dcgan',
      r1: 10,
      epochs: 3,
      lr: 2e-4,
      batch: 32,
      latent: 64,
      seed: 0,
      limit: Infinity,
      scorer: 'cnn',
    })
    expect(run(['--task', 'gan', '--r1', '0']).settings).toMatchObject({ r1: 0 })
    expect(() => parseCommandLine(['--task', 'gan', '--r1=-1'])).toThrow('--r1 must be a non-negative number, got "-1"')
    expect(() => parseCommandLine(['--task', 'gan', '--model', 'cnn'])).toThrow(
      '--model must be one of mlp, dcgan, got "cnn"',
    )
    expect(() => parseCommandLine(['--task', 'gan', '--scorer', 'svm'])).toThrow(
      '--scorer must be one of mlp, cnn, got "svm"',
    )
    expect(run(['--task', 'cartpole', '--max-seconds', '5', '--episodes', '10']).settings).toEqual({
      maxSeconds: 5,
      episodes: 10,
    })
  })

  it("says when a flag belongs to another task, and lists the task's own flags", () => {
    expect(() => parseCommandLine(['--task', 'vae', '--model', 'cnn'])).toThrow(
      '--model does not apply to --task vae (it is a flag of --task classifier, --task gan, --task names); the flags of --task vae are --epochs, --lr, --batch, --latent, --seed, --limit',
    )
    expect(() => parseCommandLine(['--latent', '8'])).toThrow(
      '--latent does not apply to --task classifier (it is a flag of --task autoencoder, --task vae',
    )
    expect(() => parseCommandLine(['--task', 'cartpole', '--epochs', '3'])).toThrow(
      '--epochs does not apply to --task cartpole (it is a flag of --task classifier, --task autoencoder, --task vae',
    )
  })

  it('rejects bad values with the flag, the valid values and what it got', () => {
    expect(() => parseCommandLine(['--task', 'gan2'])).toThrow(
      `--task must be one of ${tasks.map((t) => t.name).join(', ')}, got "gan2"`,
    )
    expect(() => parseCommandLine(['--task', 'autoencoder', '--epochs', '0'])).toThrow(
      '--epochs must be a positive integer, got "0"',
    )
    expect(() => parseCommandLine(['--task', 'vae', '--latent', '2.5'])).toThrow(
      '--latent must be a positive integer, got "2.5"',
    )
    expect(() => parseCommandLine(['--task', 'vae', '--seed', ''])).toThrow(
      '--seed must be a non-negative integer, got ""',
    )
    expect(() => parseCommandLine(['--task', 'autoencoder', '--lr', 'fast'])).toThrow(
      '--lr must be a positive number, got "fast"',
    )
    expect(() => parseCommandLine(['--task', 'cartpole', '--max-seconds', 'Infinity'])).toThrow(
      '--max-seconds must be a positive number, got "Infinity"',
    )
    expect(() => parseCommandLine(['--task', 'vae', 'extra'])).toThrow(
      'unexpected argument "extra" (flags start with --, e.g. --epochs 3)',
    )
  })

  // The mistakes issue 21 lists, each with the message it now gets.
  it.each([
    [['--epoch', '3'], "Unknown option '--epoch'; did you mean --epochs?"],
    [['--task', 'vae', '--latnet', '2'], "Unknown option '--latnet'; did you mean --latent?"],
    [['-epochs', '3'], "Unknown option '-epochs'; did you mean --epochs?"],
    [['--reprot', 'r.html'], "Unknown option '--reprot'; did you mean --report?"],
    [
      ['--frobnicate'],
      "Unknown option '--frobnicate'; the flags of --task classifier are --model, --optimizer, --lr, --schedule, --batch, --epochs, --seed, --compare, --limit; every task takes --task, --report and --help",
    ],
    [['--epochs', '-3'], '--epochs must be a positive integer, got "-3"'],
    [['--epochs', '0'], '--epochs must be a positive integer, got "0"'],
    [['--lr', '-1e-3'], '--lr must be a positive number, got "-1e-3"'],
    [['--lr', '0'], '--lr must be a positive number, got "0"'],
    [['--seed', '-1'], '--seed must be a non-negative integer, got "-1"'],
    [['--batch', '-64'], '--batch must be full, 1 or a positive integer, got "-64"'],
    [
      ['--limit', '5'],
      '--limit must be an integer from 100 to 10000 (10 of each class at least, every digit of the mnist package at most), got "5"',
    ],
    [
      ['--limit', '20000'],
      '--limit must be an integer from 100 to 10000 (10 of each class at least, every digit of the mnist package at most), got "20000"',
    ],
    [
      ['--task', 'vae', '--limit', '0'],
      '--limit must be an integer from 100 to 10000 (10 of each class at least, every digit of the mnist package at most), got "0"',
    ],
    [['--epochs'], '--epochs needs a value'],
    [['--epochs', '--lr', '0.1'], '--epochs needs a value, got the flag --lr'],
    [['--epochs', '3', '--epochs=4'], '--epochs is given twice ("3" and "4"); give it once'],
    [['--help=yes'], '--help takes no value, got "yes"'],
    [
      ['--optimizer', 'adamm'],
      '--optimizer must be one of adam, adamw, sgd, momentum, nesterov, rmsprop, adagrad, lion, got "adamm"; did you mean adam?',
    ],
    [
      ['--compare', 'sgd,adma'],
      '--compare must be one of adam, adamw, sgd, momentum, nesterov, rmsprop, adagrad, lion, got "adma"; did you mean adam?',
    ],
    [['--compare', 'sgd,sgd'], '--compare lists sgd twice, got "sgd,sgd"'],
    [
      ['--compare', 'sgd,adam', '--optimizer', 'adam'],
      '--optimizer and --compare do not go together: --compare lists the optimizers (e.g. --compare sgd,adam)',
    ],
    [['--cnn', '--model', 'mlp'], '--cnn and --model mlp disagree; give one of them'],
    [
      ['--task', 'gna'],
      '--task must be one of classifier, autoencoder, vae, gan, cartpole, names, got "gna"; did you mean gan?',
    ],
    [['--report', ''], '--report must be a file name, got ""'],
  ])('rejects %j: %s', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(message)
    try {
      parseCommandLine(argv)
    } catch (error) {
      expect((error as Error).message).toBe(message)
    }
  })

  it('reads negative numbers as values, so their readers can reject them by name', () => {
    expect(() => parseCommandLine(['--task', 'gan', '--r1', '-2'])).toThrow(
      '--r1 must be a non-negative number, got "-2"',
    )
    expect(() => parseCommandLine(['--task', 'cartpole', '--max-seconds', '-5'])).toThrow(
      '--max-seconds must be a positive number, got "-5"',
    )
  })

  it('accepts --limit from 100 to 10000, and --cnn with --model cnn', () => {
    expect((run(['--limit', '100']).settings as ClassifierSettings).limit).toBe(100)
    expect((run(['--limit=10000']).settings as ClassifierSettings).limit).toBe(10000)
    expect(run(['--task', 'autoencoder', '--limit', '500']).settings).toMatchObject({ limit: 500 })
    expect((run(['--cnn', '--model', 'cnn']).settings as ClassifierSettings).runs[0]!.model).toBe('cnn')
  })

  it('checks before training that the report can be written', () => {
    expect(() => checkReportPath(tmpdir())).toThrow(
      `--report must be a file name, got the folder ${JSON.stringify(tmpdir())}`,
    )
    expect(() => checkReportPath('/no/such/folder/r.html')).toThrow(
      '--report must be in a folder that exists, got "/no/such/folder/r.html" (no folder /no/such/folder)',
    )
    expect(() => checkReportPath(join(tmpdir(), 'r.html'))).not.toThrow()
  })

  it("prints help: every task in general, a task's own flags with --task", () => {
    const general = parseCommandLine(['--help'])
    expect(general).toEqual({ kind: 'help', text: usage() })
    expect(parseCommandLine(['-h'])).toEqual(general)
    // help wins over every other problem on the line, and a misspelt --task gets the general help
    expect(parseCommandLine(['--epoch', '3', '-h'])).toEqual(general)
    expect(parseCommandLine(['--task', 'gna', '--help'])).toEqual(general)
    for (const task of tasks) {
      expect(parseCommandLine(['--task', task.name, '-h'])).toEqual({ kind: 'help', text: taskUsage(task) })
      expect(taskUsage(task)).toContain('  -h, --help                   this text')
    }
    for (const task of tasks) expect(usage()).toContain(`  ${task.name}`)
    // a flag too long for the column gets its description on the next line, in the column
    expect(usage()).toContain(
      '  --optimizer adam|adamw|sgd|momentum|nesterov|rmsprop|adagrad|lion\n                               the optimizer (default adam)',
    )
    expect(usage()).toContain(
      '  --model mlp|cnn              the model: mlp (default) or cnn (convolutions with batchNorm)',
    )
    const vae = parseCommandLine(['--task', 'vae', '--help'])
    expect(vae.kind === 'help' && vae.text).toContain(
      '--latent <N>                 size of the latent code (default 16)',
    )
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
