/**
 * `@gd/tensor/check`: the argument and option checks every @gd package uses, so that a program
 * importing several @gd packages bundles one copy of them. Every message reads
 * `<fn>: <what> must be <expected>, got <value>`, and `readOptions` rejects unknown option names
 * with the valid ones and a "did you mean".
 *
 * @example
 * ```ts
 * import { positiveInteger, readOptions, withDefault } from '@gd/tensor/check'
 * const { epochs } = readOptions('train', { epochs: 3 }, { epochs: withDefault(positiveInteger, 1) })
 * epochs // 3
 * readOptions('train', { epoch: 3 }, { epochs: withDefault(positiveInteger, 1) })
 * // throws 'train: unknown option epoch, expected one of epochs; did you mean epochs?'
 * ```
 * @module
 */
export * from '@gd/check'
