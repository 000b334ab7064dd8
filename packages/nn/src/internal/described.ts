// Private: how layers carry their config. It is a non-enumerable property, so a layer copied with
// spread and given another apply (`{ ...linear(2, 3), apply: mine }`) loses it: an exporter then
// says the layer cannot be exported, instead of writing the function the copy no longer computes.
import type { Input, Var } from '@gd/autograd'
import { stateless, type ApplyOptions, type Layer, type LayerConfig } from '../layer.js'

/** Gives `layer` its (read-only, non-enumerable) config and returns it. */
export function configure<L extends object>(layer: L, config: LayerConfig): L {
  return Object.defineProperty(layer, 'config', { value: config })
}

/** {@link stateless}(name, fn) with a {@link LayerConfig}, for exporters. */
export function described(
  name: string,
  config: LayerConfig,
  fn: (x: Input, options: ApplyOptions) => Var,
): Layer<Record<string, never>> {
  return configure(stateless(name, fn), config)
}
