// Private: an ONNX graph being built (nodes, initializers, unique names) and its encoding as a
// ModelProto. Field numbers and enum values are onnx.proto's (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto).
import { Message } from './protobuf.js'

/** One axis of a value's shape: a size, the name of a dynamic axis, or unknown (null). */
export type Dim = number | string | null

/** The element types the exporter writes. */
export type ElemType = 'float32' | 'int32' | 'int64' | 'bool'

/** TensorProto.DataType: FLOAT 1, INT32 6, INT64 7, BOOL 9. */
const DATA_TYPE: Record<ElemType, number> = { float32: 1, int32: 6, int64: 7, bool: 9 }

/** A value flowing through the graph: its name, shape (as far as it is known) and element type. */
export interface Value {
  readonly name: string
  readonly shape: readonly Dim[]
  readonly type: ElemType
}

/** A constant tensor: an initializer, or the value of a TENSOR attribute. */
export interface TensorData {
  readonly dims: readonly number[]
  readonly type: ElemType
  readonly data: Float32Array | Int32Array | BigInt64Array | Uint8Array
}

/** A node attribute; the kind picks the AttributeProto field. */
export type Attribute =
  | { readonly kind: 'int' | 'float'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'tensor'; readonly value: TensorData }

export const int = (value: number): Attribute => ({ kind: 'int', value })
export const float = (value: number): Attribute => ({ kind: 'float', value })
export const ints = (value: readonly number[]): Attribute => ({ kind: 'ints', value })
export const string = (value: string): Attribute => ({ kind: 'string', value })
export const strings = (value: readonly string[]): Attribute => ({ kind: 'strings', value })
export const tensorAttribute = (value: TensorData): Attribute => ({ kind: 'tensor', value })

interface Node {
  readonly op: string
  readonly name: string
  readonly inputs: readonly string[]
  readonly outputs: readonly string[]
  readonly attributes: Readonly<Record<string, Attribute>>
}

/** The graph under construction. Names are unique: a taken name gets a numeric suffix. */
export class Graph {
  readonly nodes: Node[] = []
  readonly initializers: (TensorData & { name: string })[] = []
  private readonly taken = new Set<string>()
  private readonly cache = new Map<string, string>()

  constructor(readonly opset: number) {}

  /** A name not used yet, from `hint`. */
  fresh(hint: string): string {
    let name = hint
    for (let i = 1; this.taken.has(name); i++) name = `${hint}_${i}`
    this.taken.add(name)
    return name
  }

  /** Adds an initializer and returns its name. */
  constant(hint: string, tensor: TensorData): string {
    const name = this.fresh(hint)
    this.initializers.push({ name, ...tensor })
    return name
  }

  /** A float32 tensor initializer. */
  floats(hint: string, dims: readonly number[], data: Float32Array): string {
    return this.constant(hint, { dims, type: 'float32', data })
  }

  /** A float32 scalar (shared by every node that uses the same value). */
  scalar(value: number): string {
    return this.shared(`f${value}`, () => this.floats(`const_${value}`, [], Float32Array.of(value)))
  }

  /** A 1-D int64 tensor (shapes, axes, slice bounds), shared like {@link scalar}. */
  int64s(values: readonly number[]): string {
    return this.shared(`i${values.join(',')}`, () =>
      this.constant(`const_[${values.join(',')}]`, {
        dims: [values.length],
        type: 'int64',
        data: BigInt64Array.from(values, BigInt),
      }),
    )
  }

  private shared(key: string, make: () => string): string {
    let name = this.cache.get(key)
    if (name === undefined) this.cache.set(key, (name = make()))
    return name
  }

  /** Adds a node with one output and returns the output's name. */
  node(op: string, inputs: readonly string[], attributes: Readonly<Record<string, Attribute>> = {}, hint = op): string {
    const output = this.fresh(hint)
    this.nodes.push({ op, name: output, inputs, outputs: [output], attributes })
    return output
  }
}

// ---- encoding ----

/** Little-endian bytes of a typed array (the order ONNX's raw_data uses), swapped on a big-endian machine. */
function littleEndian(data: TensorData['data']): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if (data.BYTES_PER_ELEMENT === 1 || new Uint8Array(Uint16Array.of(1).buffer)[0] === 1) return bytes
  const out = new Uint8Array(bytes.length)
  const size = data.BYTES_PER_ELEMENT
  for (let i = 0; i < bytes.length; i += size) for (let j = 0; j < size; j++) out[i + j] = bytes[i + size - 1 - j]!
  return out
}

/** TensorProto: dims 1, data_type 2, name 8, raw_data 9. */
function tensorProto(t: TensorData, name?: string): Message {
  const m = new Message()
  for (const d of t.dims) m.int(1, d)
  m.int(2, DATA_TYPE[t.type])
  if (name !== undefined) m.string(8, name)
  return m.bytes(9, littleEndian(t.data))
}

/** AttributeProto: name 1, f 2, i 3, s 4, t 5, ints 8, strings 9, type 20 (FLOAT 1, INT 2, STRING 3, TENSOR 4, INTS 7, STRINGS 8). */
function attributeProto(name: string, a: Attribute): Message {
  const m = new Message().string(1, name)
  switch (a.kind) {
    case 'float':
      return m.float(2, a.value).int(20, 1)
    case 'int':
      return m.int(3, a.value).int(20, 2)
    case 'string':
      return m.string(4, a.value).int(20, 3)
    case 'tensor':
      return m.message(5, tensorProto(a.value)).int(20, 4)
    case 'ints':
      for (const v of a.value) m.int(8, v)
      return m.int(20, 7)
    case 'strings':
      for (const v of a.value) m.string(9, v)
      return m.int(20, 8)
  }
}

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5. */
function nodeProto(node: Node): Message {
  const m = new Message()
  for (const i of node.inputs) m.string(1, i)
  for (const o of node.outputs) m.string(2, o)
  m.string(3, node.name).string(4, node.op)
  for (const [name, a] of Object.entries(node.attributes)) m.message(5, attributeProto(name, a))
  return m
}

/**
 * ValueInfoProto (name 1, type 2) with TypeProto.tensor_type 1 → Tensor (elem_type 1, shape 2) →
 * TensorShapeProto (dim 1) → Dimension (dim_value 1 or dim_param 2; neither for an unknown size).
 */
function valueInfoProto(v: Value): Message {
  const shape = new Message()
  for (const d of v.shape) {
    const dim = new Message()
    if (typeof d === 'number') dim.int(1, d)
    else if (typeof d === 'string') dim.string(2, d)
    shape.message(1, dim)
  }
  const tensorType = new Message().int(1, DATA_TYPE[v.type]).message(2, shape)
  return new Message().string(1, v.name).message(2, new Message().message(1, tensorType))
}

/** What the ModelProto says besides the graph. */
export interface ModelInfo {
  readonly irVersion: number
  readonly opset: number
  readonly producer: string
  readonly graphName: string
}

/**
 * The ModelProto's bytes: ir_version 1, producer_name 2, graph 7 (GraphProto: node 1, name 2,
 * initializer 5, input 11, output 12), opset_import 8 (OperatorSetIdProto: version 2, domain left
 * empty for the default ai.onnx set).
 */
export function encodeModel(
  graph: Graph,
  inputs: readonly Value[],
  outputs: readonly Value[],
  info: ModelInfo,
): Uint8Array {
  const g = new Message()
  for (const node of graph.nodes) g.message(1, nodeProto(node))
  g.string(2, info.graphName)
  for (const t of graph.initializers) g.message(5, tensorProto(t, t.name))
  for (const v of inputs) g.message(11, valueInfoProto(v))
  for (const v of outputs) g.message(12, valueInfoProto(v))
  return new Message()
    .int(1, info.irVersion)
    .string(2, info.producer)
    .message(7, g)
    .message(8, new Message().int(2, info.opset))
    .finish()
}
