// Issue 19's recurrent family: rnn, gru and lstm over batch-first sequences, one file each under
// recurrent/, with what they share in recurrent/core.ts.
export type { LstmState } from './recurrent/lstm.js'
export type { RecurrentLayer, RecurrentParams, RunOptions, RunResult } from './recurrent/core.js'
export type { RecurrentOptions } from './recurrent/gru.js'
export type { RnnOptions } from './recurrent/rnn.js'
export { gru } from './recurrent/gru.js'
export { lstm } from './recurrent/lstm.js'
export { rnn } from './recurrent/rnn.js'
