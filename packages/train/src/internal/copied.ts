// A tensor's elements copied to a tensor of their own on the JavaScript heap: what fit hands callbacks of the run's
// trees, and what a compiled step keeps of the recording's results (the loss, the model state) before the next step
// writes them again.
import { Tensor } from '@gd/tensor'

/** A contiguous copy of `t` on the JavaScript heap (`data` reads the elements in order, `slice` copies them out). */
export function copied(t: Tensor): Tensor {
  return new Tensor(t.data.slice(), [...t.shape], t.dtype)
}
