import { fail, func, optional, positive, positiveInteger, readOptions, withDefault } from '@gd/check'
import type { Callback } from './callback.js'
import { gradientNorms, type GradientNorms } from './gradientNorms.js'

/** One finding of {@link gradientMonitor}. */
export interface GradientWarning {
  readonly kind: 'vanishing' | 'exploding' | 'nonFinite'
  readonly step: number
  /** The parameter trees (groups) concerned, by key. */
  readonly groups: readonly string[]
  readonly message: string
}

/** Options for {@link gradientMonitor}. */
export interface GradientMonitorOptions {
  /** A parameter tree whose gradient norm is below this is vanishing; default 1e-7. */
  vanishing?: number
  /** A global gradient norm above this is exploding; default 1e3. */
  exploding?: number
  /** Look every this many steps; default 1. */
  every?: number
  /** Where warnings go; default `console.warn` of the message, at most 5 per kind. */
  onWarning?: (warning: GradientWarning) => void
}

/** The {@link gradientMonitor} callback, with what it saw. */
export interface GradientMonitor extends Callback {
  /** Every warning so far. */
  readonly warnings: GradientWarning[]
  /** The norms at each step looked at. */
  readonly history: (GradientNorms & { step: number })[]
}

/**
 * Watches gradient health: computes the gradient norm of every parameter tree (each layer of a
 * `sequential` model) and warns when one is vanishing (‖g‖ < `vanishing`, the signal no longer
 * reaches that layer), when the global norm is exploding (‖g‖ > `exploding`) or when any is NaN or
 * infinite. It only observes; pair it with {@link nanGuard} or gradient clipping to act.
 *
 * @throws Error for thresholds that are not positive or an `every` that is not a positive integer.
 * @example
 * ```ts
 * import { gradientMonitor } from '@gd/train'
 * const monitor = gradientMonitor({ vanishing: 1e-6, exploding: 100 })
 * // fit({ ..., callbacks: [monitor] }); monitor.warnings, monitor.history
 * ```
 */
export function gradientMonitor(given?: GradientMonitorOptions): GradientMonitor {
  const fn = 'gradientMonitor'
  const options = readOptions(fn, given, {
    vanishing: withDefault(positive, 1e-7),
    exploding: withDefault(positive, 1e3),
    every: withDefault(positiveInteger, 1),
    onWarning: optional(func) as (
      fn: string,
      key: string,
      value: unknown,
    ) => ((w: GradientWarning) => void) | undefined,
  })
  const { vanishing, exploding, every } = options
  if (!(exploding > vanishing)) fail(fn, 'exploding', `greater than vanishing (${vanishing})`, exploding)
  const printed: Record<string, number> = {}
  const report =
    options.onWarning ??
    ((w: GradientWarning) => {
      printed[w.kind] = (printed[w.kind] ?? 0) + 1
      if (printed[w.kind]! <= 5) console.warn(w.message)
    })
  const warnings: GradientWarning[] = []
  const history: (GradientNorms & { step: number })[] = []
  const warn = (kind: GradientWarning['kind'], step: number, groups: string[], what: string): void => {
    const w = { kind, step, groups, message: `${fn}: ${kind} gradients at step ${step}: ${what}` }
    warnings.push(w)
    report(w)
  }
  const fmt = (entries: [string, number][]): string => entries.map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')
  return {
    name: fn,
    warnings,
    history,
    onGradients(ctx, info) {
      if (ctx.step % every !== 0) return
      const norms = gradientNorms(info.grads)
      history.push({ step: ctx.step, ...norms })
      const groups = Object.entries(norms.groups)
      const bad = groups.filter(([, v]) => !Number.isFinite(v))
      if (bad.length > 0)
        return warn(
          'nonFinite',
          ctx.step,
          bad.map(([k]) => k),
          `norm ${fmt(bad)}`,
        )
      if (norms.global > exploding) {
        warn(
          'exploding',
          ctx.step,
          groups.map(([k]) => k),
          `global norm ${norms.global.toExponential(2)} > ${exploding}`,
        )
      }
      const small = groups.filter(([, v]) => v < vanishing)
      if (small.length > 0)
        warn(
          'vanishing',
          ctx.step,
          small.map(([k]) => k),
          `norm ${fmt(small)} < ${vanishing}`,
        )
    },
  }
}
