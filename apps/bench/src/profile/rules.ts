/**
 * Where the time of a step goes, in the categories issue 18 is about: the kernels' arithmetic,
 * copies of data that the arithmetic does not need, allocation of results, the garbage collector,
 * and everything else (autograd's bookkeeping, argument checks, shape logic, the optimizer's tree
 * walks, V8's own work).
 */
export const CATEGORIES = ['arithmetic', 'copies', 'allocation', 'gc', 'other'] as const

/** One of {@link CATEGORIES}. */
export type Category = (typeof CATEGORIES)[number]

/**
 * A rule: a frame whose function name matches `name` (the whole name) and whose script URL matches
 * `url`, each when given, counts for `category`.
 */
export interface Rule {
  category: Category
  /** The function's name, anchored at both ends; '' is an anonymous function. */
  name?: RegExp
  /** The script's URL (`file:///…/load.ts`, `wasm://wasm/2ddeaafa`); match the file name, not the folders, so a moved file keeps its rule. */
  url?: RegExp
  /** What the frame does, for the reader of this table. */
  why: string
}

/** The name V8 gives an anonymous function: '' (the empty pattern, anchored). */
const ANONYMOUS = /(?:)/

/** A @gd/tensor file that feeds a Wasm module: today's `wasmGemm.ts`…, and `wasm.ts` in a kernel family's folder. */
const FEEDER = /\/wasm(Gemm|Conv|Elementwise|Optim)?\.(ts|js)$/

/**
 * The rules, first match wins. A sample counts for the first rule that matches its innermost
 * frame; an innermost frame that no rule names and that is a V8 builtin (no script: `set`,
 * `subarray`, `Math.exp`, …) counts as its caller, so `heap.set(…)` inside the gemm's feeder is a
 * copy and `Math.exp` inside a GELU kernel is arithmetic. Any other frame no rule names is "other".
 *
 * Function names come from @gd/tensor, @gd/autograd and @gd/nn (packages/tensor/src/kernels, by
 * family since issue 18's restructure, and elementwise.ts, tensor.ts, dtype.ts; autograd's ops;
 * nn's normalization, attention and recurrent cells). When a kernel is renamed or added, add its
 * name here; the file patterns are only for anonymous functions and match a file's name, not its
 * folder (the feeders were kernels/wasm/wasmGemm.ts before the move, kernels/gemm/wasm.ts after).
 * Check with the top frames that `--profile` prints: a kernel in 'other' wants a rule.
 */
export const RULES: readonly Rule[] = [
  { category: 'gc', name: /\(garbage collector\)/, why: "V8's collector on the main thread" },
  // arithmetic: the kernels
  { category: 'arithmetic', url: /^wasm:/, why: 'a function of a Wasm module (the kernels)' },
  {
    category: 'arithmetic',
    name: /gemm|macroKernel|addRow|conv(Forward|BackwardInput|BackwardFilter)|(max|avg)Pool(Forward|Backward)|argmaxInWindow/,
    why: 'the JavaScript kernels (used where Wasm is off or does not pay)',
  },
  {
    category: 'arithmetic',
    name: /\w*(Kernel|Loop|Block)/,
    why: 'a fused kernel written in JavaScript (GELU, layer norm, attention softmax, a recurrent cell…) or an elementwise or reduction loop (addLoop, sumBlock…)',
  },
  {
    category: 'arithmetic',
    name: /mapUnary|mapBinary|stridedBinary|reduceWith|sumColumns|argReduce/,
    why: "@gd/tensor's elementwise and reduction loops (a strided loop reads through the strides: no copy)",
  },
  {
    category: 'arithmetic',
    name: ANONYMOUS,
    url: /\/(binary|unary|reduce|loops)\.(ts|js)$/,
    why: "an op's loop or per-element function (kernels/elementwise/loops.ts and kernels/reduction/loops.ts since the kernels' move)",
  },
  {
    category: 'arithmetic',
    name: new RegExp(`${ANONYMOUS.source}|\\w+Gates`),
    url: /\/cells\.(ts|js)$/,
    why: "@gd/nn's fused recurrent cells: their forward and backward loops (anonymous functions of their primitives)",
  },
  {
    category: 'arithmetic',
    name: /scatterAdd\w*|gather|takeAlongAxis|oneHot/,
    why: "indexing ops' loops (an embedding's rows, cross-entropy's picked logits and their gradients)",
  },
  // copies
  { category: 'copies', name: /stream/, why: 'operands copied into and results out of Wasm memory, chunk by chunk' },
  { category: 'copies', name: /gatherStrided|expandTo|contiguous/, why: 'a strided view or a broadcast materialized' },
  {
    category: 'copies',
    name: /packA|packB|im2col|col2im/,
    why: "the JavaScript gemm's panel packing; convolution's unfold and fold",
  },
  {
    category: 'copies',
    name: new RegExp(`${ANONYMOUS.source}|reduceRows|unary|binary`),
    url: FEEDER,
    why: "a Wasm feeder's own time: the copies around the kernel call",
  },
  { category: 'copies', name: /layOut/, why: "slices' gradients laid into one full array" },
  { category: 'copies', name: /set|slice|copyWithin|from/, url: /^$/, why: 'a typed-array copy (a V8 builtin)' },
  // allocation
  {
    category: 'allocation',
    name: /allocate|buffer|Float(32|64)Array|Int32Array|Uint8Array|ArrayBuffer|arenaIn/,
    why: 'a fresh typed array (zero-filled by the engine)',
  },
  { category: 'allocation', name: /Tensor|Var|TensorBase/, why: 'a tensor or autograd value object' },
  {
    category: 'allocation',
    name: /^alloc$/,
    url: /kernels\/runtime\/scope\.(ts|js)$/,
    why: "a scope's block for a result inside a transform: from the pool or the arena, zero-filled",
  },
]
