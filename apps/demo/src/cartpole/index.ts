/**
 * The demo's `--task cartpole`: REINFORCE with a learned baseline on a cart-pole written in
 * TypeScript (Gymnasium's CartPole-v1 dynamics, episodes capped at 500 steps).
 * @module
 */
import { train } from './train.js'

/** Settings of {@link runCartpole}; each has a default. */
export interface CartpoleSettings {
  /** Most episodes to play. Default 1000. */
  episodes?: number
  /** Seeds the networks, the start states and the sampled actions. Default 0. */
  seed?: number
  /** Adam's learning rate. Default 0.01. */
  lr?: number
  /** Most seconds to train (checked after each episode). Default 60. */
  maxSeconds?: number
}

/** What {@link runCartpole} returns. */
export interface CartpoleResult {
  /** The return (steps the pole stayed up, at most 500) of each episode played. */
  returns: number[]
  /** Mean return of the last 20 episodes (of all of them when fewer were played). */
  average20: number
  /** Wall-clock seconds of the run. */
  seconds: number
  /** Whether the average over the last 20 episodes reached 195. */
  solved: boolean
}

/** The defaults of {@link CartpoleSettings}. */
export const cartpoleDefaults = { episodes: 1000, seed: 0, lr: 0.01, maxSeconds: 60 } as const

type Rule = [expected: string, ok: (value: unknown) => boolean]
const positiveInteger: Rule = ['a positive integer', (v) => Number.isSafeInteger(v) && (v as number) > 0]
const rules: Record<keyof CartpoleSettings, Rule> = {
  episodes: positiveInteger,
  seed: ['a non-negative integer', (v) => Number.isSafeInteger(v) && (v as number) >= 0],
  lr: ['a positive finite number', (v) => Number.isFinite(v) && (v as number) > 0],
  maxSeconds: ['a positive finite number', (v) => Number.isFinite(v) && (v as number) > 0],
}

/**
 * Trains a REINFORCE agent with a value-network baseline on cart-pole, printing one line per episode
 * (its return and the running average of 20), and stops when the average return over the last 20 episodes
 * reaches 195 (solved), or after `episodes` episodes or `maxSeconds` seconds.
 *
 * Policy and value network: 4 → 32 (tanh) → 2 logits and → 1; γ = 0.99; advantages Gₜ − V(sₜ)
 * normalized per episode; Adam at `lr` on both networks, one step per episode.
 *
 * @throws Error when settings is not a plain object, names an unknown setting, or holds a value out
 * of range (`runCartpole: episodes must be a positive integer, got 0`), or when log is not a function.
 * @example
 * ```ts
 * import { runCartpole } from './cartpole/index.js'
 * const result = await runCartpole({ seed: 1 }, console.log)
 * result.solved // true, after 66 episodes (a second or two here)
 * ```
 */
export async function runCartpole(settings: CartpoleSettings, log: (line: string) => void): Promise<CartpoleResult> {
  const read = readSettings(settings)
  if (typeof log !== 'function') throw new Error(`runCartpole: log must be a function, got ${describe(log)}`)
  return train({ ...read, learningRate: read.lr, gamma: 0.99, hidden: 32, baseline: 'value', logEvery: 1 }, log)
}

function readSettings(settings: unknown): Required<CartpoleSettings> {
  if (settings === undefined || settings === null) settings = {}
  if (typeof settings !== 'object' || Array.isArray(settings) || Object.getPrototypeOf(settings) !== Object.prototype) {
    throw new Error(`runCartpole: settings must be a plain object, got ${describe(settings)}`)
  }
  const given = settings as Record<string, unknown>
  const names = Object.keys(rules)
  for (const key of Object.keys(given)) {
    if (!names.includes(key)) {
      const near = names.find((name) => closeTo(key, name))
      throw new Error(`runCartpole: unknown option ${key}, expected one of ${names.join(', ')}${near === undefined ? '' : `; did you mean ${near}?`}`)
    }
  }
  const out: Record<string, number> = {}
  for (const name of names as (keyof CartpoleSettings)[]) {
    const value = given[name] ?? cartpoleDefaults[name]
    const [expected, ok] = rules[name]
    if (!ok(value)) throw new Error(`runCartpole: ${name} must be ${expected}, got ${describe(value)}`)
    out[name] = value as number
  }
  return out as Required<CartpoleSettings>
}

/** Within two edits (one for short names), the rule of @gd/check's did-you-mean. */
function closeTo(a: string, b: string): boolean {
  a = a.toLowerCase()
  b = b.toLowerCase()
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)))
    row = next
  }
  return row[b.length]! <= (a.length <= 4 ? 1 : 2)
}

/** A value as @gd/check's messages print it: numbers and strings as written, objects briefly. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'object' && value !== null) {
    if (Array.isArray(value)) return `an array of length ${value.length}`
    return Object.getPrototypeOf(value) === Object.prototype ? 'an object' : `a ${value.constructor?.name ?? 'object'}`
  }
  return Object.is(value, -0) ? '-0' : String(value)
}
