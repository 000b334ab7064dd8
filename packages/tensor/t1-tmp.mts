import { add, tensor, mul, matmul, initWasm, relu, sum } from '@gd/tensor'
import { recordTrace } from '@gd/tensor/internal'
const x = tensor([1, 2])
const r = recordTrace(() => add(x, x), [x.storage], (y) => [y])
x.storage.set([5, 6]); r.replay(); console.log(r.outputs[0]!.toArray())
await initWasm()
const a = tensor(Float32Array.from({ length: 64 * 32 }, (_, i) => (i % 7) - 3), { shape: [64, 32] })
const w = tensor(Float32Array.from({ length: 32 * 16 }, (_, i) => (i % 5) - 2), { shape: [32, 16] })
const f = () => relu(add(matmul(a, w), 1.5))
const eager = f().data.slice()
const r2 = recordTrace(f, [a.storage, w.storage], (y) => [y])
console.log('same first', r2.outputs[0]!.data.every((v, i) => v === eager[i]))
a.storage.reverse(); const e2 = f().data.slice(); r2.replay()
console.log('same replay', r2.outputs[0]!.data.every((v, i) => v === e2[i]))
try { recordTrace(() => { const y = sum(a); return tensor([y.item()]) }, [a.storage], (y) => [y]) } catch (e) { console.log('refused:', (e as Error).message) }
