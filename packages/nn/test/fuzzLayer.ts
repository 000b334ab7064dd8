// The fuzz rows' shared builders: a layer factory's rows (factory, init, apply, applyWithState).
import type { Layer } from '@gd/nn'
import { ones, prngKey, tensor } from '@gd/tensor'
import type { FuzzCall } from '@gd/testing'

export type Make = (...args: any[]) => Layer<any, any>

/**
 * A layer factory's rows: its own arguments (probing the layer by one apply), then the layer's
 * init(key), apply(params, x, options) and, when it has state, applyWithState.
 */
export function layer(make: Make, args: () => unknown[], x: () => unknown, factoryOptions?: number): FuzzCall[] {
  const build = () => make(...args())
  const name = build().name
  const rows: FuzzCall[] = [
    {
      args,
      then: (l: Layer) => l.apply(l.init(0), x() as never, { train: true, key: prngKey(1) }),
      ...(factoryOptions === undefined ? {} : { options: [factoryOptions] }),
    },
    { label: `${name}.init`, args: () => [0], call: (key) => build().init(key) },
    {
      label: `${name}.apply`,
      args: () => [build().init(0), x(), { train: true, key: prngKey(1) }],
      options: [2],
      call: (params, input, options) => build().apply(params, input, options),
    },
  ]
  if (build().initState !== undefined) {
    rows.push({
      label: `${name}.applyWithState`,
      args: () => {
        const l = build()
        return [l.init(0), l.initState!(), x(), { train: true }]
      },
      options: [3],
      call: (params, state, input, options) => build().applyWithState!(params, state, input, options),
    })
  }
  return rows
}

export const act = (make: Make, args: () => unknown[] = () => []) => layer(make, args, () => tensor([[-1, 0.5]]))
export const image = () => ones([1, 2, 4, 4])
