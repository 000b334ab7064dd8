// The examples, by name, each with a run at full and at a small ("quick") budget.
import { trainAutoencoder } from './autoencoder.js'
import { trainGan } from './gan.js'
import { loadDigits } from './mnist.js'
import { trainOnNames, type NamesModel } from './names.js'
import { trainReinforce } from './reinforce.js'
import { trainVae } from './vae.js'
import { trainWganGp } from './wganGp.js'

/** How the runner and the tests call an example. */
export interface Example {
  /** What it shows, in one line. */
  summary: string
  run(options: { quick: boolean; log: (line: string) => void }): void
}

export const examples: Record<string, Example> = {
  autoencoder: {
    summary:
      'an MLP autoencoder of MNIST digits (784 → 32 → 784), trained with fit, binary cross-entropy per pixel on the test digits',
    run: ({ quick, log }) => {
      const r = trainAutoencoder(
        quick ? { epochs: 2, batchSize: 32, data: loadDigits({ limit: 601, seed: 3 }), log } : { log },
      )
      log(`test BCE ${r.testBce.toFixed(4)} nats per pixel after ${r.steps} steps`)
    },
  },
  vae: {
    summary:
      'a variational autoencoder of MNIST digits: the ELBO with the reparameterization trick, then digits decoded from z ~ N(0, I)',
    run: ({ quick, log }) => {
      const r = trainVae(
        quick ? { epochs: 2, batchSize: 32, data: loadDigits({ limit: 601, seed: 3 }), samples: 10, log } : { log },
      )
      log(
        `test −ELBO ${r.test.negativeElbo.toFixed(2)} nats per digit = reconstruction ${r.test.reconstruction.toFixed(2)} + KL ${r.test.kl.toFixed(2)}`,
      )
    },
  },
  gan: {
    summary:
      'a GAN on MNIST digits: an MLP generator ending in upsampling and a 3×3 convolution, an MLP discriminator, alternating Adam steps, R1 penalty, moving average of the generator',
    run: ({ quick, log }) =>
      void trainGan(quick ? { epochs: 1, latent: 16, data: loadDigits({ limit: 601, seed: 3 }), log } : { log }),
  },
  namesGru: namesExample('gru'),
  namesLstm: namesExample('lstm'),
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
    summary: `a character-level ${kind === 'transformer' ? 'transformer' : kind.toUpperCase()} language model of first names, trained with fit, then sampled`,
    run: ({ quick, log }) => {
      const r = trainOnNames(
        kind,
        quick ? { epochs: 1, limit: 300, width: 8, depth: kind === 'transformer' ? 1 : 16, samples: 3, log } : { log },
      )
      log(`validation loss ${r.validationLoss.toFixed(3)} nats/char; samples: ${r.samples.join(', ')}`)
    },
  }
}
