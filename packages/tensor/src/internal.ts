/**
 * `@gd/tensor/internal`: what @gd's own packages (autograd, init, losses, nn, onnx, optimizers, train) need from
 * the tensor package and a user does not: argument checks that name the calling op, shape arithmetic, the
 * sliding-window geometry of convolution and pooling, the normal distribution's scalar functions and the raw
 * Threefry bits. It is not part of the user API: names and signatures here may change in any release, without
 * notice. The boundaries check lets only packages/* import it (not apps or docs pages, which are written as user code).
 * @module
 */
export { allocate, isFloat } from './dtype.js'
export { checkDtype } from './creation.js'
export { checkFloatPair, matmulFlags } from './matmul.js'
export {
  broadcastShapes,
  checkShape,
  formatList,
  normalizeAxes,
  normalizeAxis,
  permutationOf,
  sameShape,
  sizeOf,
  stridesOf,
  typeName,
} from './shape.js'
export { checkKey, isMadeKey, randomBits, threefry2x32 } from './rng.js'
export { normalCdf, normalPdf, normalQuantile } from './normalQuantile.js'
export { readSize2d, window2d, type Window2d } from './window2d.js'
export {
  closeScope,
  openScope,
  outsideScopes,
  releaseOwned,
  scopeBlockOf,
  scopesOn,
  useScopes,
  withScope,
  type CloseMode,
  type Scope,
  type ScopeOptions,
} from './kernels/runtime/scope.js'
export { tensorsIn } from './internal/tensorsIn.js'
export { isTracing, kernel, traceConstant, TraceRefused } from './internal/trace.js'
export { recordTrace, type Recording } from './internal/record.js'
export { kernelReading } from './internal/kernelReading.js'
export { forReplay } from './tensor.js'
export { beforeInPlaceWrite } from './internal/beforeInPlaceWrite.js'
// The fused float32 kernels (GELU, attention weights, row normalization) autograd and nn call
export {
  wasmGelu,
  wasmGeluGrad,
  wasmGruCell,
  wasmGruCellGrad,
  wasmLstmCell,
  wasmLstmCellGrad,
  wasmNormRows,
  wasmNormRowsGrad,
  wasmSoftmaxRows,
  wasmSoftmaxRowsGrad,
} from './kernels/rows/fused.js'
