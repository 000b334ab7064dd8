// The examples' number checks that @gd/check has no ready-made name for, in its message form.
import { rule } from '@gd/check'

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** A finite number > 0, e.g. a learning rate. */
export const finiteAboveZero = rule<number>('a finite number > 0', (v) => finite(v) && v > 0)

/** A finite number >= 0, e.g. a penalty weight. */
export const finiteAtLeastZero = rule<number>('a finite number >= 0', (v) => finite(v) && v >= 0)

/** A function that takes a line of progress. */
export const logger = rule<(line: string) => void>('a function', (v) => typeof v === 'function')
