// Private: the image layers, on NCHW input: convolutions, pooling, upsampling and batchNorm (inference).
import { fail, isPlainObject } from '@gd/check'
import { readSize2d, window2d, type Padding2d, type Size2d, type Window2d } from '@gd/tensor'
import { float, int, ints, string, type Dim } from '../graph.js'
import { expectInput, filled, FN, like, paramTree, weight, type Emitter, type Site } from '../context.js'
import type { Value } from '../graph.js'

const isFloatImage = (x: Value, channels: number): boolean =>
  x.type === 'float32' && x.shape.length === 4 && x.shape[1] === channels

/**
 * The window's geometry on this input (padding resolved, the options checked by @gd/tensor's own
 * window2d); the height and width must be fixed, since 'same' padding depends on them.
 */
function geometry(
  site: Site,
  x: Value,
  kernel: [number, number],
  options: { stride: Size2d; padding: Padding2d; dilation?: Size2d },
): Window2d {
  const [, , h, w] = x.shape
  if (typeof h !== 'number' || typeof w !== 'number') {
    throw new Error(
      `${FN}: ${site.path} ${site.name} needs a fixed height and width (give them as numbers in inputShape), got shape [${x.shape.join(',')}]`,
    )
  }
  const { stride, padding, dilation } = options
  return window2d(FN, [h, w], kernel, dilation === undefined ? { stride, padding } : { stride, padding, dilation })
}

/** ONNX's pads order: every axis's start, then every axis's end. */
const pads = (g: Window2d): number[] => [g.padTop, g.padLeft, g.padBottom, g.padRight]

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

/** Conv with the filter as is (both use OIHW) and the pads @gd's window resolves. */
export const conv2d: Emitter = (ctx, site, x) => {
  const c = site.config as unknown as Conv2dConfig
  expectInput(site, x, isFloatImage(x, c.inChannels), `[batch, ${c.inChannels}, height, width] of floats`)
  const g = geometry(site, x, c.kernelSize, c)
  const tree = paramTree(site, c.bias ? '{ w, b }' : '{ w }')
  const inputs = [
    x.name,
    weight(ctx, tree, 'w', [c.outChannels, c.inChannels / c.groups, ...c.kernelSize], site.paramsPath),
  ]
  if (c.bias) inputs.push(weight(ctx, tree, 'b', [c.outChannels], site.paramsPath))
  const y = ctx.graph.node(
    'Conv',
    inputs,
    {
      kernel_shape: ints(c.kernelSize),
      strides: ints([g.strideH, g.strideW]),
      dilations: ints([g.dilationH, g.dilationW]),
      pads: ints(pads(g)),
      group: int(c.groups),
    },
    `${site.path}.conv`,
  )
  return like(x, y, [x.shape[0]!, c.outChannels, g.outH, g.outW])
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

/** MaxPool (padding never wins) and AveragePool (padding not counted), as @gd's pooling. */
function pool(op: 'MaxPool' | 'AveragePool'): Emitter {
  return (ctx, site, x) => {
    const c = site.config as unknown as PoolConfig
    expectInput(site, x, x.type === 'float32' && x.shape.length === 4, '[batch, channels, height, width] of floats')
    const kernel = readSize2d(FN, 'kernelSize', c.kernelSize)
    const g = geometry(site, x, kernel, c)
    if (pads(g).some((p, i) => p >= kernel[i % 2]!)) {
      throw new Error(
        `${FN}: ${site.path} ${site.name} has padding [${pads(g).join(',')}] not smaller than its kernel [${kernel.join(',')}]`,
      )
    }
    const attributes = { kernel_shape: ints(kernel), strides: ints([g.strideH, g.strideW]), pads: ints(pads(g)) }
    const y = ctx.graph.node(
      op,
      [x.name],
      op === 'MaxPool' ? attributes : { ...attributes, count_include_pad: int(0) },
      `${site.path}.${op}`,
    )
    return like(x, y, [x.shape[0]!, x.shape[1]!, g.outH, g.outW])
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
