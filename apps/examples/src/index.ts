// The examples, by name, each with a run at full and at a small ("quick") budget.
import { trainOnNames, type NamesModel } from './names.js'
import { trainReinforce } from './reinforce.js'
import { trainWganGp } from './wganGp.js'

/** How the runner and the tests call an example. */
export interface Example {
  /** What it shows, in one line. */
  summary: string
  run(options: { quick: boolean; log: (line: string) => void }): void
}

export const examples: Record<string, Example> = {
  namesGru: namesExample('gru'),
  namesTransformer: namesExample('transformer'),
  reinforce: {
    summary: 'REINFORCE with a learned value baseline on the cart-pole of @gd/rl (return per episode)',
    run: ({ quick, log }) => void trainReinforce(quick ? { episodes: 20, hidden: 8, log, logEvery: 5 } : { log }),
  },
  wganGp: {
    summary: 'WGAN-GP on eight Gaussians: a critic loss with a gradient penalty (grad of a grad)',
    run: ({ quick, log }) => {
      const r = trainWganGp(quick ? { steps: 30, batch: 64, log, logEvery: 10 } : { log })
      log(`modes covered ${r.modesCovered} of 8, points near a mode ${(100 * r.nearAMode).toFixed(1)}%`)
    },
  },
}

function namesExample(kind: NamesModel): Example {
  return {
    summary: `a character-level ${kind === 'gru' ? 'GRU' : 'transformer'} language model of first names, trained with fit, then sampled`,
    run: ({ quick, log }) => {
      const r = trainOnNames(kind, quick ? { epochs: 1, limit: 300, width: 8, depth: kind === 'gru' ? 16 : 1, samples: 3, log } : { log })
      log(`validation loss ${r.validationLoss.toFixed(3)} nats/char; samples: ${r.samples.join(', ')}`)
    },
  }
}
