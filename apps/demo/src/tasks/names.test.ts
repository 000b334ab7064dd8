import { describe, expect, it } from 'vitest'
import { parseCommandLine } from '../cli.js'
import { names, type NamesTaskSettings } from './names.js'

const quiet = { write: () => true, isTTY: false }

const settingsOf = (argv: string[]): NamesTaskSettings => {
  const command = parseCommandLine(['--task', 'names', ...argv])
  if (command.kind !== 'run') throw new Error(`expected a run, got ${command.kind}`)
  return command.settings as NamesTaskSettings
}

describe('--task names', () => {
  it("trains the transformer by default, each setting left to the model's defaults", () => {
    expect(settingsOf([])).toEqual({
      model: 'transformer',
      epochs: undefined,
      lr: undefined,
      batch: undefined,
      width: undefined,
      depth: undefined,
      seed: 0,
      limit: Infinity,
      samples: 20,
    })
  })

  it('reads every flag', () => {
    const argv = [
      '--model',
      'lstm',
      '--epochs',
      '3',
      '--lr',
      '0.01',
      '--batch=32',
      '--width',
      '30',
      '--depth',
      '64',
      '--seed',
      '2',
      '--limit',
      '500',
      '--samples',
      '5',
    ]
    expect(settingsOf(argv)).toEqual({
      model: 'lstm',
      epochs: 3,
      lr: 0.01,
      batch: 32,
      width: 30,
      depth: 64,
      seed: 2,
      limit: 500,
      samples: 5,
    })
    expect(settingsOf(['--model=gru']).model).toBe('gru')
  })

  it('rejects a bad value with the flag, what it must be and what it got', () => {
    const parse =
      (...argv: string[]) =>
      () =>
        settingsOf(argv)
    expect(parse('--model', 'rnn')).toThrow('--model must be one of transformer, gru, lstm, got "rnn"')
    expect(parse('--model', 'grue')).toThrow(
      '--model must be one of transformer, gru, lstm, got "grue"; did you mean gru?',
    )
    expect(parse('--model', 'mlp')).toThrow('--model must be one of transformer, gru, lstm, got "mlp"')
    expect(parse('--epochs', '0')).toThrow('--epochs must be a positive integer, got "0"')
    expect(parse('--lr=-1')).toThrow('--lr must be a positive number, got "-1"')
    expect(parse('--batch', '1.5')).toThrow('--batch must be a positive integer, got "1.5"')
    expect(parse('--depth', 'two')).toThrow('--depth must be a positive integer, got "two"')
    expect(parse('--seed=-3')).toThrow('--seed must be a non-negative integer, got "-3"')
    expect(parse('--limit', '')).toThrow('--limit must be a positive integer, got ""')
    expect(parse('--samples', 'Infinity')).toThrow('--samples must be a positive integer, got "Infinity"')
    expect(parse('--width', '30')).toThrow(
      '--width must be a multiple of 4 for --model transformer (its 4 attention heads), got "30"',
    )
    expect(settingsOf(['--model', 'gru', '--width', '30']).width).toBe(30)
  })

  it('says which task a flag of another task belongs to, and lists its own flags', () => {
    expect(() => settingsOf(['--latent', '8'])).toThrow(
      '--latent does not apply to --task names (it is a flag of --task autoencoder, --task vae, --task gan); ' +
        'the flags of --task names are --model, --epochs, --lr, --batch, --width, --depth, --seed, --limit, --samples',
    )
    expect(() => settingsOf(['--modle', 'gru'])).toThrow("Unknown option '--modle'; did you mean --model?")
    expect(() => settingsOf(['--sample', '3'])).toThrow("Unknown option '--sample'; did you mean --samples?")
  })

  it("lists its flags and each model's defaults in its help", () => {
    const help = parseCommandLine(['--task', 'names', '--help'])
    if (help.kind !== 'help') throw new Error('expected help')
    expect(help.text).toContain('usage: pnpm demo -- --task names [flags]')
    expect(help.text).toContain('  --model transformer|gru|lstm the model (default transformer)')
    expect(help.text).toContain(
      '--epochs <N>                 passes over the training names (default transformer 10, gru 6, lstm 6)',
    )
    expect(help.text).toContain('--batch <N>                  names per step (default 64)')
    expect(help.text).toContain('--report <file.html>')
  })

  it('runs on a tiny budget: logs each epoch and the samples, and reports the curves and the names', async () => {
    const lines: string[] = []
    const settings: NamesTaskSettings = {
      model: 'gru',
      epochs: 2,
      lr: 0.01,
      batch: 16,
      width: 8,
      depth: 16,
      seed: 1,
      limit: 300,
      samples: 3,
    }
    const outcome = await names.run(settings, { log: (l) => lines.push(l), stream: quiet })
    const text = lines.join('\n')
    expect(lines[0]).toMatch(/^gru: embedding \d+ → 8, gru 8 → 16, linear 16 → \d+ \([\d,]+ parameters\)$/)
    expect(lines[1]).toBe(
      '270 names to train on, 30 held out; AdamW 0.01 (warmup, cosine to 0), batch 16, 2 epochs, seed 1',
    )
    expect(text).toMatch(/epoch 2\/2: loss \d\.\d{3}, validation \d\.\d{3} nats\/char/)
    const validation = /validation loss (\d\.\d{3}) nats per character/.exec(text)
    expect(validation).not.toBeNull()
    // below the uniform guess over 26 letters and the end, ln 27 ≈ 3.30
    expect(Number(validation![1])).toBeLessThan(3.2)
    const sampled = /sampled names: (.*)$/m.exec(text)![1]!.split(', ')
    expect(sampled).toHaveLength(3)
    const html = outcome.html!
    expect(html).toContain('<title>@gd character model of first names (gru)</title>')
    expect(html).toContain('loss, nats per character')
    expect(html).toContain('"label":"validation"')
    expect(html).toContain(`<td>${validation![1]} nats per character</td>`)
    expect(html).toContain(`<th>sampled names</th><td>${sampled.join(', ')}</td>`)
    expect(html).not.toContain('<script src=')
  })
})
