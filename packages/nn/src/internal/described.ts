// Private: the parameter-free layers @gd/nn makes are `stateless` layers that also describe themselves.
import type { Input, Var } from '@gd/autograd'
import { stateless, type ApplyOptions, type Layer, type LayerConfig } from '../layer.js'

/** {@link stateless}(name, fn) with a {@link LayerConfig}, for exporters. */
export function described(name: string, config: LayerConfig, fn: (x: Input, options: ApplyOptions) => Var): Layer<Record<string, never>> {
  return { ...stateless(name, fn), config }
}
