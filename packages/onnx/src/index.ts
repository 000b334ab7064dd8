/**
 * @gd/onnx: export trained @gd/nn models to ONNX, to run them with ONNX Runtime.
 * @packageDocumentation
 */
export * from './exportOnnx.js'
