// The MNIST digits live in @gd/examples (one copy for the examples and the demo's tasks).
export { PIXELS, loadDigits, splitLine, type Dataset } from '@gd/examples/mnist'
