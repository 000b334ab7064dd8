import { CATEGORIES, RULES, type Category, type Rule } from './rules.js'

/** A frame of a V8 CPU profile (the inspector's `Profiler.CallFrame`, the fields used here). */
export interface CallFrame {
  functionName: string
  url: string
}

/** A node of the profile's call tree: a frame under its caller. */
export interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}

/** A V8 CPU profile (`Profiler.stop`'s, the fields used here): the call tree and the sampled leaf of each sample. */
export interface CpuProfile {
  nodes: ProfileNode[]
  samples?: number[]
}

/** The frames that took most of a category's samples. */
export interface TopFrame {
  /** `name file` ('stream load.ts', '(anonymous) wasmGemm.ts', 'wasm-function[3] 2ddeaafa'). */
  frame: string
  /** Its fraction of all counted samples. */
  share: number
}

/** Where a profile's samples went. */
export interface Breakdown {
  /** Samples counted: all but the idle ones. */
  samples: number
  /** Samples in which the thread was idle (waiting, not part of a step): left out of the shares. */
  idle: number
  /** Each category's fraction of the counted samples; they add up to 1. */
  shares: Record<Category, number>
  /** Per category, the frames with most samples (three unless asked for more), most first. */
  top: Record<Category, TopFrame[]>
}

const anchored = new WeakMap<RegExp, RegExp>()
const whole = (r: RegExp): RegExp => {
  let a = anchored.get(r)
  if (a === undefined) anchored.set(r, (a = new RegExp(`^(?:${r.source})$`, r.flags)))
  return a
}

/** The first rule that names this frame, if any. */
export function ruleFor(frame: CallFrame, rules: readonly Rule[] = RULES): Rule | undefined {
  return rules.find(
    (r) =>
      (r.name === undefined || whole(r.name).test(frame.functionName)) &&
      (r.url === undefined || r.url.test(frame.url)),
  )
}

/** A V8 builtin or runtime function ('set', 'subarray', 'exp'): a frame with no script that is not one of V8's '(…)' nodes. */
const isBuiltin = (f: CallFrame): boolean => f.url === '' && !f.functionName.startsWith('(')

/** The frame's short label: its name (or '(anonymous)') and its file name. */
export function frameLabel(f: CallFrame): string {
  const file = f.url.slice(f.url.lastIndexOf('/') + 1)
  return `${f.functionName === '' ? '(anonymous)' : f.functionName}${file === '' ? '' : ` ${file}`}`
}

/**
 * Splits a CPU profile's samples into {@link CATEGORIES}: each sample counts for the first rule
 * (see {@link RULES}) that matches its innermost frame; a builtin that no rule names passes the
 * sample to its caller (and so on up); a frame that no rule names counts as 'other'. Idle samples
 * are left out. Each sample is one sampling interval, so shares of samples are shares of time.
 *
 * @throws Error when a sample names a node the profile does not have.
 */
export function classify(profile: CpuProfile, rules: readonly Rule[] = RULES, topFrames = 3): Breakdown {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const decided = new Map<number, { category: Category; label: string } | null>()
  const decide = (id: number): { category: Category; label: string } | null => {
    const known = decided.get(id)
    if (known !== undefined) return known
    const node = nodes.get(id)
    if (node === undefined) throw new Error(`classify: a sample names node ${id}, which the profile does not have`)
    const f = node.callFrame
    let out: { category: Category; label: string } | null
    const rule = ruleFor(f, rules)
    if (f.functionName === '(idle)') out = null
    else if (isBuiltin(f) && parent.has(id)) {
      // a builtin is labelled by its caller ('set in stream load.ts') and takes the caller's category unless a rule names it
      const up = decide(parent.get(id)!)
      const label = `${frameLabel(f)} in ${up?.label ?? '(idle)'}`
      out = { category: rule?.category ?? up?.category ?? 'other', label }
    } else out = { category: rule?.category ?? 'other', label: frameLabel(f) }
    decided.set(id, out)
    return out
  }
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>
  const frames = Object.fromEntries(CATEGORIES.map((c) => [c, new Map<string, number>()])) as Record<
    Category,
    Map<string, number>
  >
  let idle = 0
  for (const id of profile.samples ?? []) {
    const d = decide(id)
    if (d === null) {
      idle++
      continue
    }
    counts[d.category]++
    frames[d.category].set(d.label, (frames[d.category].get(d.label) ?? 0) + 1)
  }
  const samples = (profile.samples?.length ?? 0) - idle
  const share = (n: number) => (samples === 0 ? 0 : n / samples)
  const shares = Object.fromEntries(CATEGORIES.map((c) => [c, share(counts[c])])) as Record<Category, number>
  const top = Object.fromEntries(
    CATEGORIES.map((c) => [
      c,
      [...frames[c]]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, topFrames)
        .map(([frame, n]) => ({ frame, share: share(n) })),
    ]),
  ) as Record<Category, TopFrame[]>
  return { samples, idle, shares, top }
}
