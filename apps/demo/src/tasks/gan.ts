import {
  describeGan,
  ganDefaults as exampleDefaults,
  ganMacs,
  ganModels,
  trainGan,
  type GanModel,
} from '@gd/examples/gan'
import { prngKey } from '@gd/tensor'
import { loadDigits, splitLine } from '../data.js'
import { renderDigitsReport } from '../digitsReport.js'
import { digitScore } from '../inceptionScore.js'
import { runOne, type RunSettings } from '../run.js'
import { nonNegativeInteger, nonNegativeNumber, oneOf } from '../flags.js'
import { modelKinds, type ModelKind } from '../models.js'
import { divergenceLine } from './common.js'
import { mnistFlags, parseMnistFlags, type MnistSettings } from './mnistFlags.js'
import { stringFlag, type Task } from './task.js'

// The GAN itself, its models and its training loop, is the `gan` example of @gd/examples
// (apps/examples/src/gan.ts); this task trains it on the demo's split and scores its digits.

/** The default largest shift of the digits the discriminator sees (the example's default is 0). */
const defaultShift = 0

/** The default temperature of the noise of the final scored digits and the grid. */
const defaultTemperature = 1

/** The Adams' betas of a model, as the logs and the report print them. */
const betas = (model: GanModel): string => `β₁ ${exampleDefaults[model].beta1}, β₂ ${exampleDefaults[model].beta2}`

/** A number in (0, 1]. */
function unitInterval(flag: string, value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !(n > 0 && n <= 1))
    throw new Error(`${flag} must be a number in (0, 1], got ${JSON.stringify(value)}`)
  return n
}

/** Each GAN's defaults, in the demo's flag names. */
export const ganDefaults: Record<GanModel, Omit<MnistSettings, 'limit' | 'seed'>> = {
  mlp: {
    epochs: exampleDefaults.mlp.epochs,
    lr: exampleDefaults.mlp.learningRate,
    batch: exampleDefaults.mlp.batch,
    latent: exampleDefaults.mlp.latent,
  },
  dcgan: {
    epochs: exampleDefaults.dcgan.epochs,
    lr: exampleDefaults.dcgan.learningRate,
    batch: exampleDefaults.dcgan.batch,
    latent: exampleDefaults.dcgan.latent,
  },
}

/** The GAN task's settings: the shared ones and the classifier that scores the digits. */
export interface GanSettings extends MnistSettings {
  model: GanModel
  /** Weight γ of the R1 penalty on the discriminator; 0 for none. */
  r1: number
  /** Largest random shift, in pixels, of the digits the discriminator sees; 0 for none. */
  shift: number
  /** Temperature τ in (0, 1] of the noise of the scored and shown digits: z ~ N(0, τ²I). */
  temperature: number
  scorer: ModelKind
}

/** The classifier that scores the digits: the classifier task's model with its default settings, trained on the same split. */
export function scoringClassifier(model: ModelKind, seed: number): RunSettings {
  return {
    model,
    optimizer: 'adam',
    lr: undefined,
    schedule: 'cosine',
    batch: 64,
    epochs: model === 'mlp' ? 12 : 8,
    seed,
  }
}

export const gan: Task<GanSettings> = {
  name: 'gan',
  summary: "a GAN: digits from noise, scored by the demo's own classifier (inception-style score)",
  flags: {
    model: { type: 'string', usage: ['--model mlp|dcgan', 'MLPs (default) or convolutional networks'] },
    ...mnistFlags(ganDefaults.mlp),
    epochs: {
      type: 'string',
      usage: [
        '--epochs <N>',
        `passes over the training set (default ${ganDefaults.mlp.epochs} for mlp, ${ganDefaults.dcgan.epochs} for dcgan)`,
      ],
    },
    lr: {
      type: 'string',
      usage: [
        '--lr <number>',
        `peak learning rate of both Adams (default ${ganDefaults.mlp.lr} for mlp, ${ganDefaults.dcgan.lr} for dcgan)`,
      ],
    },
    batch: {
      type: 'string',
      usage: [
        '--batch <N>',
        `digits per step (default ${ganDefaults.mlp.batch} for mlp, ${ganDefaults.dcgan.batch} for dcgan)`,
      ],
    },
    r1: {
      type: 'string',
      usage: ['--r1 <number>', 'weight γ of the R1 penalty on the discriminator, 0 for none (default 10)'],
    },
    shift: {
      type: 'string',
      usage: [
        '--shift <N>',
        `largest random shift in pixels of every digit the discriminator sees, 0 for none (default ${defaultShift})`,
      ],
    },
    temperature: {
      type: 'string',
      usage: [
        '--temperature <τ>',
        `draw the final scored digits and the grid's from N(0, τ²I), τ in (0, 1] (default ${defaultTemperature})`,
      ],
    },
    scorer: {
      type: 'string',
      usage: ['--scorer cnn|mlp', "the classifier task's model that scores the digits (default cnn)"],
    },
  },
  parse(values) {
    const model = oneOf('--model', stringFlag(values, 'model') ?? 'mlp', ganModels)
    const r1 = stringFlag(values, 'r1')
    const shift = stringFlag(values, 'shift')
    const temperature = stringFlag(values, 'temperature')
    return {
      ...parseMnistFlags(values, ganDefaults[model]),
      model,
      r1: r1 === undefined ? 10 : nonNegativeNumber('--r1', r1),
      shift: shift === undefined ? defaultShift : nonNegativeInteger('--shift', shift),
      temperature: temperature === undefined ? defaultTemperature : unitInterval('--temperature', temperature),
      scorer: oneOf('--scorer', stringFlag(values, 'scorer') ?? 'cnn', modelKinds),
    }
  },
  async run(settings, io) {
    const data = loadDigits({ limit: settings.limit, seed: settings.seed })
    io.log(splitLine(data))
    const scorer = scoringClassifier(settings.scorer, settings.seed)
    io.log(`\nthe scoring classifier: the classifier task's ${scorer.model} (${scorer.epochs} epochs)`)
    const clf = runOne(scorer, data, { write: () => true, isTTY: false })
    const realScore = digitScore(clf.predict, data.test.x)
    io.log(
      `test accuracy ${(100 * clf.testAccuracy).toFixed(2)}%, score of the ${data.test.y.size} real test digits ${realScore.toFixed(2)} (${clf.seconds.toFixed(1)} s)`,
    )
    const nets = describeGan(settings.latent, settings.model)
    io.log(
      `\n${settings.model} GAN: generator ${nets.generator}, discriminator ${nets.discriminator}, Adam ${settings.lr} → ${settings.lr / 10} (cosine, ${betas(settings.model)}), R1 γ ${settings.r1}, shifts up to ${settings.shift} pixels, batch ${settings.batch}, ${settings.epochs} epochs`,
    )
    const r = trainGan({
      data,
      model: settings.model,
      epochs: settings.epochs,
      batch: settings.batch,
      learningRate: settings.lr,
      latent: settings.latent,
      r1: settings.r1,
      shift: settings.shift,
      seed: settings.seed,
      log: io.log,
      score: (images) => digitScore(clf.predict, images),
      // about 16 points on the score's chart: scoring 1000 digits costs a CNN forward pass each time
      scoreEvery: Math.max(1, Math.floor(settings.epochs / 16)),
    })
    const final = r.history.at(-1)?.score ?? NaN
    const cold =
      settings.temperature === 1 || r.diverged !== undefined
        ? final
        : digitScore(clf.predict, r.generate(prngKey(settings.seed + 2), 1000, { temperature: settings.temperature }))
    const macs = ganMacs(settings.latent, settings.model)
    // Per digit and step: the discriminator's step runs G forward and D forward and backward on 2
    // digits; the generator's step runs G and D forward and backward (backward ≈ 2 × forward).
    const flops =
      2 *
      (macs.generator + 3 * 2 * macs.discriminator + 3 * (macs.generator + macs.discriminator)) *
      settings.batch *
      r.steps
    if (r.diverged !== undefined) io.log(`\n${divergenceLine(r.diverged, settings.lr, ganDefaults[settings.model].lr)}`)
    else if (settings.temperature === 1)
      io.log(`\nscore of 1000 generated digits ${final.toFixed(2)} (real test digits ${realScore.toFixed(2)})`)
    else
      io.log(
        `\nscore of 1000 generated digits at temperature ${settings.temperature}: ${cold.toFixed(2)} (at temperature 1 ${final.toFixed(2)}, real test digits ${realScore.toFixed(2)})`,
      )
    io.log(
      `time ${r.seconds.toFixed(1)} s (${r.cpuSeconds.toFixed(1)} s of CPU; the layers' matmuls alone are ≈ ${(flops / r.cpuSeconds / 1e9).toFixed(1)} GFLOP/s of it)`,
    )
    const x = r.history.map((h) => h.epoch + 1)
    return {
      html: renderDigitsReport({
        title: `@gd MNIST GAN (${settings.model})`,
        summary: [
          ['generator', nets.generator],
          ['discriminator', nets.discriminator],
          ['R1 penalty γ', String(settings.r1)],
          ["random shifts of the discriminator's digits", `up to ${settings.shift} pixels`],
          [
            'training',
            `alternating steps, two Adams ${settings.lr} → ${settings.lr / 10} (cosine, ${betas(settings.model)}), batch ${settings.batch}, ${settings.epochs} epochs, seed ${settings.seed}`,
          ],
          ['inception-style score, 1000 generated digits', r.diverged === undefined ? final.toFixed(2) : 'diverged'],
          ...(settings.temperature === 1
            ? []
            : [[`the same at temperature ${settings.temperature}`, cold.toFixed(2)] as const]),
          ['inception-style score, real test digits', realScore.toFixed(2)],
          [
            'scoring classifier',
            `the classifier task's ${scorer.model}, test accuracy ${(100 * clf.testAccuracy).toFixed(2)}%`,
          ],
          ['time', `${r.seconds.toFixed(1)} s`],
        ],
        charts: [
          {
            title: 'losses per epoch',
            x,
            series: [
              { label: 'discriminator', values: r.history.map((h) => h.discriminatorLoss) },
              { label: 'generator', values: r.history.map((h) => h.generatorLoss) },
            ],
          },
          {
            title: 'inception-style score of generated digits',
            x,
            series: [{ label: 'score', values: r.history.map((h) => h.score ?? null) }],
          },
        ],
        grids: [
          {
            title:
              settings.temperature === 1
                ? 'Generated digits'
                : `Generated digits (temperature ${settings.temperature})`,
            columns: 10,
            images: r.generate(prngKey(settings.seed + 1), 100, { temperature: settings.temperature })
              .data as Float32Array,
          },
        ],
      }),
    }
  },
}
