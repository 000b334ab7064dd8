// The examples, by name, each with a run at full and at a small ("quick") budget.
import { trainWganGp } from './wganGp.js'

/** How the runner and the tests call an example. */
export interface Example {
  /** What it shows, in one line. */
  summary: string
  run(options: { quick: boolean; log: (line: string) => void }): void
}

export const examples: Record<string, Example> = {
  wganGp: {
    summary: 'WGAN-GP on eight Gaussians: a critic loss with a gradient penalty (grad of a grad)',
    run: ({ quick, log }) => {
      const r = trainWganGp(quick ? { steps: 30, batch: 64, log, logEvery: 10 } : { log })
      log(`modes covered ${r.modesCovered} of 8, points near a mode ${(100 * r.nearAMode).toFixed(1)}%`)
    },
  },
}
