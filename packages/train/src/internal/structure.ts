// Private: the structure and checksum of checkpoints (not exported from the package).
import { isPlainObject, show } from '@gd/check'
import { Tensor } from '@gd/tensor'

/** One tensor of a parameter (or model-state) tree as a checkpoint records it. */
export interface LeafInfo {
  /** Where the tensor sits, e.g. `params[0].w` or `modelState[1].mean`. */
  readonly path: string
  readonly shape: readonly number[]
  readonly dtype: string
}

/** 32-bit FNV-1a over the UTF-16 code units of `text` (each unit hashed as two bytes), as 8 hex digits. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    h = Math.imul(h ^ (c & 0xff), 0x01000193)
    h = Math.imul(h ^ (c >>> 8), 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}

/**
 * The tensors of `tree` as {@link LeafInfo}, in a fixed order (object keys sorted), with paths under
 * `root`: `params[0].w`.
 */
export function treeStructure(tree: unknown, root = 'params'): LeafInfo[] {
  const out: LeafInfo[] = []
  const walk = (node: unknown, path: string): void => {
    if (node instanceof Tensor) {
      out.push({ path, shape: [...node.shape], dtype: node.dtype })
    } else if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, `${path}[${i}]`))
    } else if (isPlainObject(node)) {
      for (const k of Object.keys(node).sort()) walk(node[k], `${path}.${k}`)
    }
  }
  walk(tree, root)
  return out
}

/**
 * The differences between two structures, one line per path:
 * `params[0].w: shape [1,8] in the checkpoint, [1,4] in the model`, or a tensor only in one of them.
 * Empty when they agree.
 */
export function structureDifferences(saved: readonly LeafInfo[], model: readonly LeafInfo[]): string[] {
  const mine = new Map(model.map((l) => [l.path, l]))
  const theirs = new Map(saved.map((l) => [l.path, l]))
  const out: string[] = []
  for (const s of saved) {
    const m = mine.get(s.path)
    if (m === undefined) out.push(`${s.path}: in the checkpoint, not in the model`)
    else if (show(s.shape) !== show(m.shape))
      out.push(`${s.path}: shape ${show(s.shape)} in the checkpoint, ${show(m.shape)} in the model`)
    else if (s.dtype !== m.dtype) out.push(`${s.path}: dtype ${s.dtype} in the checkpoint, ${m.dtype} in the model`)
  }
  for (const m of model) if (!theirs.has(m.path)) out.push(`${m.path}: in the model, not in the checkpoint`)
  return out
}
