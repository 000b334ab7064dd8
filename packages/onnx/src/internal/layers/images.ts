// Private: the image layers, on NCHW input: convolutions, pooling, upsampling and batchNorm (inference).
import { fail, isPlainObject } from '@gd/check'
import { type Padding2d, type Size2d } from '@gd/tensor'
import { readSize2d, window2d, type Window2d } from '@gd/tensor/internal'
import { float, int, ints, string, tensorAttribute, type Dim } from '../graph.js'
import { expectInput, filled, FN, like, paramTree, weight, type Context, type Emitter, type Site } from '../context.js'
import type { Value } from '../graph.js'

const isFloatImage = (x: Value, channels: number): boolean =>
  x.type === 'float32' && x.shape.length === 4 && x.shape[1] === channels

/**
 * Where a window sits on this input: strides, dilations, and either ONNX's explicit pads or, for
 * 'same' padding on a dynamic height or width, how the exported graph finds them at run time.
 */
interface Placement {
  readonly strides: [number, number]
  readonly dilations: [number, number]
  /** The dilated window's extent, (kernel − 1)·dilation + 1, per axis. */
  readonly extent: [number, number]
  /**
   * ONNX's pads [top, left, bottom, right] when they do not depend on the input's size; for 'same'
   * on a dynamic size, 'auto' (the node's auto_pad SAME_UPPER computes @gd's split exactly) or
   * 'graph' (Shape arithmetic and a Pad node, where auto_pad and @gd differ).
   */
  readonly pads: number[] | 'auto' | 'graph'
  readonly outH: Dim
  readonly outW: Dim
}

/**
 * The window's placement on this input, the options checked by @gd/tensor's own window2d. A height
 * or width given by name is dynamic: explicit padding does not depend on it, and 'same' padding is
 * @gd's ceil(size / stride) outputs with the total padding max((out − 1)·stride + extent − size, 0),
 * ⌊total / 2⌋ before and the rest (the odd one) after, which is ONNX's SAME_UPPER, except that ONNX
 * Runtime takes no dilation with auto_pad and lets the total go negative (a kernel smaller than the
 * stride): those cases compute the pads in the graph.
 */
function placement(
  x: Value,
  kernel: [number, number],
  options: { stride: Size2d; padding: Padding2d; dilation?: Size2d },
): Placement {
  const [, , h, w] = x.shape
  const { stride, padding, dilation } = options
  const [dh, dw] = readSize2d(FN, 'dilation', dilation ?? 1)
  const extent: [number, number] = [(kernel[0] - 1) * dh + 1, (kernel[1] - 1) * dw + 1]
  // a dynamic axis is measured as the window's own extent, which fits any padding: window2d then
  // checks the options and resolves explicit pads, and the dynamic axis's output size is left unknown
  const size: [number, number] = [typeof h === 'number' ? h : extent[0], typeof w === 'number' ? w : extent[1]]
  const fixed = typeof h === 'number' && typeof w === 'number'
  let g: Window2d
  try {
    g = window2d(FN, size, kernel, dilation === undefined ? { stride, padding } : { stride, padding, dilation })
  } catch (e) {
    // a window that does not fit the fixed axis: the message names the input's size as given
    if (e instanceof Error && !fixed)
      e.message = e.message.replace(`input [${size.join(',')}]`, `input [${h ?? '?'},${w ?? '?'}]`)
    throw e
  }
  const strides: [number, number] = [g.strideH, g.strideW]
  const common = { strides, dilations: [g.dilationH, g.dilationW] as [number, number], extent }
  if (padding === 'same' && !fixed) {
    const exact = dh === 1 && dw === 1 && kernel[0] >= strides[0] && kernel[1] >= strides[1]
    const out = (d: Dim, s: number): Dim => (typeof d === 'number' ? Math.ceil(d / s) : null)
    return { ...common, pads: exact ? 'auto' : 'graph', outH: out(h!, strides[0]), outW: out(w!, strides[1]) }
  }
  return {
    ...common,
    pads: [g.padTop, g.padLeft, g.padBottom, g.padRight],
    outH: typeof h === 'number' ? g.outH : null,
    outW: typeof w === 'number' ? g.outW : null,
  }
}

/**
 * The 'same' pads of x computed in the graph, as Pad's [0, 0, top, left, 0, 0, bottom, right]: with
 * size = Shape(x)[2:4], out = (size + stride − 1) / stride (integer division: ceil), total =
 * max((out − 1)·stride + extent − size, 0), before = total / 2, after = total − before.
 */
function samePads(ctx: Context, site: Site, x: Value, p: Placement): string {
  const g = ctx.graph
  const at = (name: string) => `${site.path}.same.${name}`
  const size = g.node('Shape', [x.name], { start: int(2), end: int(4) }, at('size'))
  const stride = g.int64s(p.strides)
  const out = g.node(
    'Div',
    [g.node('Add', [size, g.int64s(p.strides.map((s) => s - 1))], {}, at('up')), stride],
    {},
    at('out'),
  )
  const span = g.node('Mul', [g.node('Sub', [out, g.int64s([1, 1])], {}, at('steps')), stride], {}, at('span'))
  const needed = g.node('Sub', [g.node('Add', [span, g.int64s(p.extent)], {}, at('reach')), size], {}, at('needed'))
  const total = g.node('Max', [needed, g.int64s([0, 0])], {}, at('total'))
  const before = g.node('Div', [total, g.int64s([2, 2])], {}, at('before'))
  const after = g.node('Sub', [total, before], {}, at('after'))
  const zeros = g.int64s([0, 0])
  return g.node('Concat', [zeros, before, zeros, after], { axis: int(0) }, at('pads'))
}

/** The attributes that place the window: ONNX's pads, or auto_pad SAME_UPPER; none when a Pad node padded x. */
const padAttributes = (p: Placement) =>
  p.pads === 'auto' ? { auto_pad: string('SAME_UPPER') } : p.pads === 'graph' ? {} : { pads: ints(p.pads) }

interface Conv2dConfig {
  inChannels: number
  outChannels: number
  kernelSize: [number, number]
  stride: Size2d
  padding: Padding2d
  dilation: Size2d
  groups: number
  bias: boolean
}

/** Conv with the filter as is (both use OIHW) and the pads @gd's window resolves ('same' on a dynamic size: see placement). */
export const conv2d: Emitter = (ctx, site, x) => {
  const c = site.config as unknown as Conv2dConfig
  expectInput(site, x, isFloatImage(x, c.inChannels), `[batch, ${c.inChannels}, height, width] of floats`)
  const p = placement(x, c.kernelSize, c)
  const tree = paramTree(site, c.bias ? '{ w, b }' : '{ w }')
  const filter = weight(ctx, tree, 'w', [c.outChannels, c.inChannels / c.groups, ...c.kernelSize], site.paramsPath)
  const bias = c.bias ? [weight(ctx, tree, 'b', [c.outChannels], site.paramsPath)] : []
  const input =
    p.pads === 'graph' ? ctx.graph.node('Pad', [x.name, samePads(ctx, site, x, p)], {}, `${site.path}.pad`) : x.name
  const y = ctx.graph.node(
    'Conv',
    [input, filter, ...bias],
    {
      kernel_shape: ints(c.kernelSize),
      strides: ints(p.strides),
      dilations: ints(p.dilations),
      ...padAttributes(p),
      group: int(c.groups),
    },
    `${site.path}.conv`,
  )
  return like(x, y, [x.shape[0]!, c.outChannels, p.outH, p.outW])
}

interface ConvTranspose2dConfig {
  inChannels: number
  outChannels: number
  kernelSize: [number, number]
  stride: [number, number]
  padding: [number, number]
  outputPadding: [number, number]
  dilation: [number, number]
  groups: number
  bias: boolean
}

/** ConvTranspose: the filter [in, out/groups, kH, kW] is ONNX's layout too; PyTorch's padding semantics. */
export const convTranspose2d: Emitter = (ctx, site, x) => {
  const c = site.config as unknown as ConvTranspose2dConfig
  expectInput(site, x, isFloatImage(x, c.inChannels), `[batch, ${c.inChannels}, height, width] of floats`)
  const tree = paramTree(site, c.bias ? '{ w, b }' : '{ w }')
  const inputs = [
    x.name,
    weight(ctx, tree, 'w', [c.inChannels, c.outChannels / c.groups, ...c.kernelSize], site.paramsPath),
  ]
  if (c.bias) inputs.push(weight(ctx, tree, 'b', [c.outChannels], site.paramsPath))
  const [ph, pw] = c.padding
  const y = ctx.graph.node(
    'ConvTranspose',
    inputs,
    {
      kernel_shape: ints(c.kernelSize),
      strides: ints(c.stride),
      dilations: ints(c.dilation),
      pads: ints([ph, pw, ph, pw]),
      output_padding: ints(c.outputPadding),
      group: int(c.groups),
    },
    `${site.path}.convTranspose`,
  )
  const size = (d: Dim, i: 0 | 1): Dim =>
    typeof d === 'number'
      ? (d - 1) * c.stride[i] - 2 * c.padding[i] + c.dilation[i] * (c.kernelSize[i] - 1) + c.outputPadding[i] + 1
      : null
  return like(x, y, [x.shape[0]!, c.outChannels, size(x.shape[2]!, 0), size(x.shape[3]!, 1)])
}

interface PoolConfig {
  kernelSize: Size2d
  stride: Size2d
  padding: Padding2d
}

/**
 * MaxPool (padding never wins) and AveragePool (padding not counted), as @gd's pooling. Where 'same'
 * pads are computed in the graph, MaxPool reads x padded with −∞, and the average is the mean over the
 * zero-padded x divided by the mean over a zero-padded image of ones (the share of real pixels).
 */
function pool(op: 'MaxPool' | 'AveragePool'): Emitter {
  return (ctx, site, x) => {
    const c = site.config as unknown as PoolConfig
    expectInput(site, x, x.type === 'float32' && x.shape.length === 4, '[batch, channels, height, width] of floats')
    const kernel = readSize2d(FN, 'kernelSize', c.kernelSize)
    const p = placement(x, kernel, c)
    if (Array.isArray(p.pads) && p.pads.some((v, i) => v >= kernel[i % 2]!)) {
      throw new Error(
        `${FN}: ${site.path} ${site.name} has padding [${p.pads.join(',')}] not smaller than its kernel [${kernel.join(',')}]`,
      )
    }
    const g = ctx.graph
    const window = { kernel_shape: ints(kernel), strides: ints(p.strides), ...padAttributes(p) }
    const shape = [x.shape[0]!, x.shape[1]!, p.outH, p.outW]
    if (p.pads !== 'graph') {
      const attributes = op === 'MaxPool' ? window : { ...window, count_include_pad: int(0) }
      return like(x, g.node(op, [x.name], attributes, `${site.path}.${op}`), shape)
    }
    const pads = samePads(ctx, site, x, p)
    if (op === 'MaxPool') {
      const padded = g.node('Pad', [x.name, pads, g.scalar(-Infinity)], {}, `${site.path}.pad`)
      return like(x, g.node(op, [padded], window, `${site.path}.${op}`), shape)
    }
    const sums = g.node(op, [g.node('Pad', [x.name, pads], {}, `${site.path}.pad`)], window, `${site.path}.sums`)
    const image = g.node(
      'Concat',
      [g.int64s([1, 1]), g.node('Shape', [x.name], { start: int(2), end: int(4) }, `${site.path}.size`)],
      { axis: int(0) },
      `${site.path}.imageShape`,
    )
    const one = tensorAttribute({ dims: [1], type: 'float32', data: Float32Array.of(1) })
    const ones = g.node('ConstantOfShape', [image], { value: one }, `${site.path}.ones`)
    const share = g.node(op, [g.node('Pad', [ones, pads], {}, `${site.path}.padOnes`)], window, `${site.path}.share`)
    return like(x, g.node('Div', [sums, share], {}, `${site.path}.${op}`), shape)
  }
}
export const maxPool2d = pool('MaxPool')
export const avgPool2d = pool('AveragePool')

interface Upsample2dConfig {
  scale: [number, number]
  mode: 'nearest' | 'bilinear'
  alignCorners: boolean
}

/** Resize by integer scales: nearest copies pixel ⌊i/s⌋ (asymmetric, floor); bilinear uses half-pixel centres or aligned corners. */
export const upsample2d: Emitter = (ctx, site, x) => {
  const {
    scale: [sh, sw],
    mode,
    alignCorners,
  } = site.config as unknown as Upsample2dConfig
  expectInput(site, x, x.type === 'float32' && x.shape.length === 4, '[batch, channels, height, width] of floats')
  const scales = ctx.graph.floats(`${site.path}.scales`, [4], Float32Array.of(1, 1, sh, sw))
  const attributes =
    mode === 'nearest'
      ? { mode: string('nearest'), coordinate_transformation_mode: string('asymmetric'), nearest_mode: string('floor') }
      : {
          mode: string('linear'),
          coordinate_transformation_mode: string(alignCorners ? 'align_corners' : 'half_pixel'),
        }
  const y = ctx.graph.node('Resize', [x.name, '', scales], attributes, `${site.path}.resize`)
  const times = (d: Dim, s: number): Dim => (typeof d === 'number' ? d * s : null)
  return like(x, y, [x.shape[0]!, x.shape[1]!, times(x.shape[2]!, sh), times(x.shape[3]!, sw)])
}

interface BatchNormConfig {
  channels: number
  eps: number
  affine: boolean
}

/** Inference form: BatchNormalization with the running statistics from the state. */
export const batchNorm: Emitter = (ctx, site, x) => {
  const { channels, eps, affine } = site.config as unknown as BatchNormConfig
  const rank = x.shape.length
  expectInput(
    site,
    x,
    x.type === 'float32' && (rank === 2 || rank === 4) && x.shape[1] === channels,
    `[batch, ${channels}] or [batch, ${channels}, height, width] of floats`,
  )
  const { state, statePath, paramsPath } = site
  if (!isPlainObject(state)) {
    fail(
      FN,
      statePath,
      `${site.name}'s state { mean, variance } (the running statistics: pass the model's state as options.state)`,
      state,
    )
  }
  const mean = weight(ctx, state, 'mean', [channels], statePath)
  const variance = weight(ctx, state, 'variance', [channels], statePath)
  let scale: string
  let shift: string
  if (affine) {
    const tree = paramTree(site, '{ gamma, beta }')
    scale = weight(ctx, tree, 'gamma', [channels], paramsPath)
    shift = weight(ctx, tree, 'beta', [channels], paramsPath)
  } else {
    scale = filled(ctx, `${site.path}.ones`, [channels], 1)
    shift = filled(ctx, `${site.path}.zeros`, [channels], 0)
  }
  return like(
    x,
    ctx.graph.node(
      'BatchNormalization',
      [x.name, scale, shift, mean, variance],
      { epsilon: float(eps) },
      `${site.path}.batchNorm`,
    ),
  )
}
