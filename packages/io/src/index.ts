/**
 * @gd/io: parameter trees in and out of safetensors, the format PyTorch, JAX and the Hugging Face hub
 * keep weights in. Files by path are in the `@gd/io/node` entry.
 * @packageDocumentation
 */
export { saveSafetensors, type SaveSafetensorsOptions } from './saveSafetensors.js'
export { loadSafetensors, type LoadedSafetensors, type LoadSafetensorsOptions } from './loadSafetensors.js'
export { loadSafetensorsBlob, type BlobLike } from './loadSafetensorsBlob.js'
export { loadModel, saveModel, type LoadedModel, type ModelTrees, type SaveModelOptions } from './model.js'
