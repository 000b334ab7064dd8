// Test-only: a small protobuf reader and an ONNX ModelProto decoder for the fields @gd/onnx writes,
// so the unit tests can check an exported file's structure without ONNX Runtime.

type Field = number | bigint | Uint8Array
type Fields = Map<number, Field[]>

/** Every field of a message by number, in order: varints as numbers (bigint past 2⁵³), other wire types as bytes. */
export function readFields(bytes: Uint8Array): Fields {
  const fields: Fields = new Map()
  let i = 0
  const varint = (): bigint => {
    let v = 0n
    let shift = 0n
    for (;;) {
      if (i >= bytes.length) throw new Error('decode: truncated varint')
      const b = bytes[i++]!
      v |= BigInt(b & 0x7f) << shift
      if (b < 0x80) return v
      shift += 7n
    }
  }
  while (i < bytes.length) {
    const key = Number(varint())
    const [field, wire] = [key >> 3, key & 7]
    let value: Field
    if (wire === 0) {
      const v = BigInt.asIntN(64, varint())
      value = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
    } else if (wire === 2) {
      const n = Number(varint())
      value = bytes.subarray(i, i + n)
      i += n
    } else if (wire === 5) {
      value = bytes.subarray(i, i + 4)
      i += 4
    } else {
      throw new Error(`decode: wire type ${wire}`)
    }
    fields.set(field, [...(fields.get(field) ?? []), value])
  }
  return fields
}

const text = (b: Field | undefined): string => new TextDecoder().decode(b as Uint8Array)
const all = (f: Fields, n: number): Field[] => f.get(n) ?? []
const one = (f: Fields, n: number): Field | undefined => f.get(n)?.[0]

export interface DecodedTensor {
  name: string
  dims: number[]
  dataType: number
  values: number[] | bigint[] | boolean[]
}
export interface DecodedNode {
  op: string
  name: string
  inputs: string[]
  outputs: string[]
  attributes: Record<string, unknown>
}
export interface DecodedValue {
  name: string
  elemType: number
  shape: (number | string | null)[]
}
export interface DecodedModel {
  irVersion: number
  producer: string
  opset: number
  graph: {
    name: string
    nodes: DecodedNode[]
    initializers: DecodedTensor[]
    inputs: DecodedValue[]
    outputs: DecodedValue[]
  }
}

function tensor(bytes: Uint8Array): DecodedTensor {
  const f = readFields(bytes)
  const raw = one(f, 9) as Uint8Array
  const dataType = one(f, 2) as number
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  const values =
    dataType === 1
      ? Array.from({ length: raw.length / 4 }, (_, i) => view.getFloat32(4 * i, true))
      : dataType === 6
        ? Array.from({ length: raw.length / 4 }, (_, i) => view.getInt32(4 * i, true))
        : dataType === 7
          ? Array.from({ length: raw.length / 8 }, (_, i) => view.getBigInt64(8 * i, true))
          : Array.from(raw, (b) => b !== 0)
  return { name: text(one(f, 8)), dims: all(f, 1) as number[], dataType, values: values as DecodedTensor['values'] }
}

function attribute(bytes: Uint8Array): [string, unknown] {
  const f = readFields(bytes)
  const type = one(f, 20)
  const name = text(one(f, 1))
  switch (type) {
    case 1:
      return [name, new DataView((one(f, 2) as Uint8Array).slice().buffer).getFloat32(0, true)]
    case 2:
      return [name, one(f, 3)]
    case 3:
      return [name, text(one(f, 4))]
    case 4:
      return [name, tensor(one(f, 5) as Uint8Array)]
    case 7:
      return [name, all(f, 8)]
    case 8:
      return [name, all(f, 9).map(text)]
    default:
      throw new Error(`decode: attribute type ${type}`)
  }
}

function node(bytes: Uint8Array): DecodedNode {
  const f = readFields(bytes)
  return {
    op: text(one(f, 4)),
    name: text(one(f, 3)),
    inputs: all(f, 1).map(text),
    outputs: all(f, 2).map(text),
    attributes: Object.fromEntries(all(f, 5).map((a) => attribute(a as Uint8Array))),
  }
}

function valueInfo(bytes: Uint8Array): DecodedValue {
  const f = readFields(bytes)
  const tensorType = readFields(one(readFields(one(f, 2) as Uint8Array), 1) as Uint8Array)
  const shape = all(readFields(one(tensorType, 2) as Uint8Array), 1).map((d) => {
    const dim = readFields(d as Uint8Array)
    return dim.has(1) ? (one(dim, 1) as number) : dim.has(2) ? text(one(dim, 2)) : null
  })
  return { name: text(one(f, 1)), elemType: one(tensorType, 1) as number, shape }
}

/** The model's fields that @gd/onnx writes. */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  const m = readFields(bytes)
  const g = readFields(one(m, 7) as Uint8Array)
  return {
    irVersion: one(m, 1) as number,
    producer: text(one(m, 2)),
    opset: one(readFields(one(m, 8) as Uint8Array), 2) as number,
    graph: {
      name: text(one(g, 2)),
      nodes: all(g, 1).map((n) => node(n as Uint8Array)),
      initializers: all(g, 5).map((t) => tensor(t as Uint8Array)),
      inputs: all(g, 11).map((v) => valueInfo(v as Uint8Array)),
      outputs: all(g, 12).map((v) => valueInfo(v as Uint8Array)),
    },
  }
}
