import { nonNegativeInteger, positiveInteger, positiveNumber } from '../flags.js'
import { stringFlag, type Flag, type FlagValues } from './task.js'

/** The settings every generative MNIST task shares. */
export interface MnistSettings {
  epochs: number
  /** Peak learning rate. */
  lr: number
  batch: number
  /** Seed of the split, the initialization, the batch order and every random draw. */
  seed: number
  /** Use only the first N digits (Infinity: all of them, about 10,000). */
  limit: number
  /** Size of the latent code. */
  latent: number
}

/** The flags of {@link MnistSettings}, with each task's defaults in their usage lines. */
export function mnistFlags(defaults: Omit<MnistSettings, 'limit' | 'seed'>): Record<keyof MnistSettings, Flag> {
  return {
    epochs: { type: 'string', usage: ['--epochs <N>', `passes over the training set (default ${defaults.epochs})`] },
    lr: { type: 'string', usage: ['--lr <number>', `peak learning rate of Adam (default ${defaults.lr})`] },
    batch: { type: 'string', usage: ['--batch <N>', `digits per step (default ${defaults.batch})`] },
    latent: { type: 'string', usage: ['--latent <N>', `size of the latent code (default ${defaults.latent})`] },
    seed: { type: 'string', usage: ['--seed <N>', 'seed for the split, initialization, order and noise (default 0)'] },
    limit: { type: 'string', usage: ['--limit <N>', 'use only the first N digits (default: all, about 10,000)'] },
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
    limit: read('limit', positiveInteger, Infinity),
  }
}
