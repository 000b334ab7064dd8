// Private: the protocol buffers wire format, the part an ONNX file needs: varints (int64 fields, negative
// values included), 32-bit floats, length-delimited strings, bytes and nested messages. A message is
// kept as a list of byte chunks with their total length, so nesting a message (a graph inside the
// model, megabytes of weights inside a tensor) adds a length prefix without copying the chunks; the
// bytes are copied once, by `finish`.
// Wire format: https://protobuf.dev/programming-guides/encoding/

const textEncoder = /* @__PURE__ */ new TextEncoder()

/** The varint bytes of a safe integer; a negative value takes ten bytes (its 64-bit two's complement). */
function varint(n: number): Uint8Array {
  if (n >= 0 && n < 0x80) return Uint8Array.of(n)
  const out: number[] = []
  let v = BigInt.asUintN(64, BigInt(n))
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return Uint8Array.from(out)
}

/** A protobuf message being written: fields are appended in the order the calls are made. */
export class Message {
  readonly chunks: Uint8Array[] = []
  length = 0

  private push(bytes: Uint8Array): this {
    this.chunks.push(bytes)
    this.length += bytes.length
    return this
  }

  private key(field: number, wire: number): this {
    return this.push(varint(field * 8 + wire))
  }

  /** An int32, int64 or enum field (wire type 0). */
  int(field: number, value: number): this {
    return this.key(field, 0).push(varint(value))
  }

  /** A float field (wire type 5, little-endian). */
  float(field: number, value: number): this {
    const bytes = new Uint8Array(4)
    new DataView(bytes.buffer).setFloat32(0, value, true)
    return this.key(field, 5).push(bytes)
  }

  /** A bytes field (wire type 2). */
  bytes(field: number, value: Uint8Array): this {
    return this.key(field, 2).push(varint(value.length)).push(value)
  }

  /** A string field, UTF-8 (wire type 2). */
  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value))
  }

  /** A nested message field (wire type 2): its chunks are appended, not copied. */
  message(field: number, child: Message): this {
    this.key(field, 2).push(varint(child.length))
    for (const chunk of child.chunks) this.push(chunk)
    return this
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length)
    let offset = 0
    for (const chunk of this.chunks) {
      out.set(chunk, offset)
      offset += chunk.length
    }
    return out
  }
}
