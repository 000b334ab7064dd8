// The demo's tasks, by --task name; the first is the default. Each task is its own module with its
// flags, settings, training and report.
import { autoencoder } from './autoencoder.js'
import { cartpole } from './cartpole.js'
import { classifier } from './classifier.js'
import { gan } from './gan.js'
import { names } from './names.js'
import type { Task } from './task.js'
import { vae } from './vae.js'

export const tasks: readonly Task<any>[] = [classifier, autoencoder, vae, gan, cartpole, names]

export const taskNames: readonly string[] = tasks.map((t) => t.name)
