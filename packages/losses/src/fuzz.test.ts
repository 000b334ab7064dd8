import { toVar } from '@gd/autograd'
import * as api from '@gd/losses'
import { tensor } from '@gd/tensor'
import { fuzzSuite, type FuzzCall } from '@gd/testing'

const f = (values: number[]) => tensor(values)
const labels = (values: number[]) => tensor(values, { dtype: 'int32' })

/** A two-input loss on [2] tensors (predictions in (0, 1)), with its options. */
const pairLoss = (options: Record<string, unknown>, a = [0.8, 0.3], b = [1, 0]): FuzzCall => ({
  args: () => [f(a), f(b), { reduction: 'sum', weights: f([1, 2]), ...options }],
  options: [2],
})

/** A class loss: [2, 3] scores against int32 labels. */
const classLoss = (options: Record<string, unknown>): FuzzCall => ({
  args: () => [
    tensor([
      [2, 1.5, 0],
      [0.1, 0.2, 0.3],
    ]),
    labels([0, 2]),
    { reduction: 'mean', classWeights: f([1, 1, 2]), ignoreIndex: -100, ...options },
  ],
  options: [2],
})

// every export clean: no crash, no silent acceptance, no failing call that changes its inputs
fuzzSuite('@gd/losses', api, {
  binaryCrossEntropy: pairLoss({ eps: 1e-7 }),
  cosineSimilarity: pairLoss({ eps: 1e-8, weights: undefined }, [1, 0], [1, 1]),
  cosineDistance: pairLoss({ eps: 1e-8, weights: undefined }, [2, 0], [5, 1]),
  gaussianNll: {
    args: () => [f([1, 2]), f([3, 1]), f([4, 1]), { reduction: 'mean', full: true, eps: 1e-6 }],
    options: [3],
  },
  hinge: pairLoss({}, [0.3, -2], [1, -1]),
  squaredHinge: pairLoss({}, [0.5, 2], [1, -1]),
  huber: pairLoss({ delta: 1 }, [0.5, 3], [0, 0]),
  klDivergence: {
    args: () => [tensor([[0.25, 0.75]]), tensor([[0.5, 0.5]]), { logInput: false, logTarget: false, reduction: 'sum' }],
    options: [2],
  },
  classTargets: {
    args: () => ['nll', tensor([[0, 0, 0]]), labels([2]), { classWeights: f([1, 1, 1]), ignoreIndex: -1 }],
    options: [3],
  },
  requireLabels: { args: () => ['nll', labels([1])] },
  logCosh: pairLoss({}, [0, 1000], [0, 0]),
  mae: pairLoss({}, [1, 2], [0, 4]),
  l1: pairLoss({}, [1, 2], [0, 4]),
  mse: pairLoss({}, [1, 2], [0, 4]),
  multiclassHinge: classLoss({ margin: 1 }),
  nll: classLoss({}),
  checkOptions: { args: () => ['huber', { delta: 2 }, ['delta', 'reduction', 'weights']], options: [1] },
  checkNumber: {
    args: () => ['huber', 'delta', 1, (d: number) => d > 0, '> 0'],
    keep: { 3: 'the caller’s own validity test' },
  },
  checkBoolean: { args: () => ['poissonNll', 'logInput', true] },
  l1Penalty: { args: () => [{ w: f([1, -2]), layers: [f([3])] }, { scale: 0.1 }], options: [1] },
  l2Penalty: { args: () => [{ w: f([1, -2]) }, { scale: 0.1 }], options: [1] },
  elasticNet: { args: () => [{ w: f([1, -2]) }, { l1: 0.1, l2: 0.2 }], options: [1] },
  poissonNll: pairLoss({ logInput: false, full: true, eps: 1e-8 }, [2, 1], [2, 0]),
  reductions: { exempt: 'a constant list of names' },
  lossOptionNames: { exempt: 'a constant list of names' },
  checkReduction: { args: () => ['mse', 'sum'] },
  checkPair: { args: () => ['mse', f([1, 2]), f([0, 0])] },
  pair: { args: () => ['mse', f([1, 2]), f([0, 0])] },
  reduceLoss: { args: () => ['mine', f([1, 2, 3]), { reduction: 'sum', weights: f([1, 1, 2]) }], options: [2] },
  sigmoidBinaryCrossEntropy: pairLoss({ positiveWeight: 2 }, [0, -1000], [1, 1]),
  sigmoidFocal: pairLoss({ gamma: 2, alpha: 0.25 }, [0, 1], [1, 0]),
  smoothL1: pairLoss({ beta: 1 }, [0.5, 3], [0, 0]),
  softmaxCrossEntropy: [
    classLoss({ labelSmoothing: 0.2 }),
    {
      label: 'softmaxCrossEntropy(probabilities)',
      args: () => [tensor([[0, 1]]), tensor([[0.1, 0.9]]), { labelSmoothing: 0.1 }],
      options: [2],
    },
  ],
  crossEntropy: { args: () => [toVar('x', f([1, 0])), toVar('x', f([Math.log(0.5), -1]))] },
})
