import { integerIn, nonNegativeInteger, positiveInteger, positiveNumber } from '../flags.js'
import { stringFlag, type Flag, type FlagValues } from './task.js'

/** The digits in the mnist package, the most `--limit` can ask for. */
export const availableDigits = 10_000

/** The usage line of `--limit`, for every MNIST task. */
export const limitUsage = [
  '--limit <N>',
  `use about N of the digits, ${10 * 10} to ${availableDigits} (default: all)`,
] as const

/**
 * Reads `--limit`: at least 10 digits of each class (so that each class has test digits), at most
 * all of them. The split rounds each class's share, so the count can differ from N by a few.
 */
export function parseLimit(value: string | undefined): number {
  if (value === undefined) return Infinity
  return integerIn(
    '--limit',
    value,
    10 * 10,
    availableDigits,
    ' (10 of each class at least, every digit of the mnist package at most)',
  )
}

/** The settings every generative MNIST task shares. */
export interface MnistSettings {
  epochs: number
  /** Peak learning rate. */
  lr: number
  batch: number
  /** Seed of the split, the initialization, the batch order and every random draw. */
  seed: number
  /** Use about this many digits, each class in proportion (Infinity: all 10,000). */
  limit: number
  /** Size of the latent code. */
  latent: number
}

/** The settings in the words of the MNIST examples' options (`trainAutoencoder`, `trainVae`). */
export function exampleOptions(settings: MnistSettings): {
  epochs: number
  batchSize: number
  learningRate: number
  latent: number
  seed: number
} {
  return {
    epochs: settings.epochs,
    batchSize: settings.batch,
    learningRate: settings.lr,
    latent: settings.latent,
    seed: settings.seed,
  }
}

/** The flags of {@link MnistSettings}, with each task's defaults in their usage lines. */
export function mnistFlags(defaults: Omit<MnistSettings, 'limit' | 'seed'>): Record<keyof MnistSettings, Flag> {
  return {
    epochs: { type: 'string', usage: ['--epochs <N>', `passes over the training set (default ${defaults.epochs})`] },
    lr: { type: 'string', usage: ['--lr <number>', `peak learning rate of Adam (default ${defaults.lr})`] },
    batch: { type: 'string', usage: ['--batch <N>', `digits per step (default ${defaults.batch})`] },
    latent: { type: 'string', usage: ['--latent <N>', `size of the latent code (default ${defaults.latent})`] },
    seed: { type: 'string', usage: ['--seed <N>', 'seed for the split, initialization, order and noise (default 0)'] },
    limit: { type: 'string', usage: limitUsage },
  }
}

/** Reads {@link mnistFlags}' values; throws an Error naming the flag for a bad one. */
export function parseMnistFlags(values: FlagValues, defaults: Omit<MnistSettings, 'limit' | 'seed'>): MnistSettings {
  const read = <T>(name: string, parse: (flag: string, v: string) => T, fallback: T): T => {
    const v = stringFlag(values, name)
    return v === undefined ? fallback : parse(`--${name}`, v)
  }
  return {
    epochs: read('epochs', positiveInteger, defaults.epochs),
    lr: read('lr', positiveNumber, defaults.lr),
    batch: read('batch', positiveInteger, defaults.batch),
    latent: read('latent', positiveInteger, defaults.latent),
    seed: read('seed', nonNegativeInteger, 0),
    limit: parseLimit(stringFlag(values, 'limit')),
  }
}
