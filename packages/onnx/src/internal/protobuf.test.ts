import { describe, expect, it } from 'vitest'
import { Message } from './protobuf.js'

// The wire format's own worked examples (protobuf.dev/programming-guides/encoding): field 1 = 150 is
// 08 96 01; field 2 = "testing" is 12 07 74 65 73 74 69 6e 67.
describe('Message', () => {
  it('writes varints as the encoding guide does', () => {
    expect([...new Message().int(1, 150).finish()]).toEqual([0x08, 0x96, 0x01])
    expect([...new Message().int(1, 0).int(1, 127).int(1, 128).finish()]).toEqual([
      0x08, 0, 0x08, 0x7f, 0x08, 0x80, 0x01,
    ])
    // 2^40 = 0x100_0000_0000: six 7-bit groups of zeros, then 2^40 >> 35 = 32
    expect([...new Message().int(1, 2 ** 40).finish()]).toEqual([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20])
  })

  it("writes a negative int64 as ten bytes of two's complement", () => {
    // -1 = 2^64 − 1: nine bytes of 0xff (7 bits each, 63 bits) and a last 0x01
    expect([...new Message().int(3, -1).finish()]).toEqual([0x18, ...Array(9).fill(0xff), 0x01])
    // -2 = 2^64 − 2: 0xfe first
    expect([...new Message().int(3, -2).finish()]).toEqual([0x18, 0xfe, ...Array(8).fill(0xff), 0x01])
  })

  it('writes strings, bytes and floats', () => {
    expect([...new Message().string(2, 'testing').finish()]).toEqual([
      0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
    ])
    expect([...new Message().string(1, 'é').finish()]).toEqual([0x0a, 0x02, 0xc3, 0xa9]) // UTF-8
    expect([...new Message().bytes(9, Uint8Array.of(1, 2)).finish()]).toEqual([0x4a, 0x02, 1, 2])
    // 1.0f = 0x3f800000, little-endian; field 2, wire type 5: key 0x15
    expect([...new Message().float(2, 1).finish()]).toEqual([0x15, 0, 0, 0x80, 0x3f])
  })

  it('nests a message with its length, its chunks shared, not copied', () => {
    const payload = new Uint8Array(300)
    const child = new Message().bytes(9, payload)
    const parent = new Message().int(1, 8).message(7, child)
    expect(parent.chunks).toContain(payload)
    const bytes = parent.finish()
    // the child is 1 key byte + 2 length bytes (300 = ac 02) + 300 = 303 bytes = af 02
    expect([...bytes.subarray(0, 7)]).toEqual([0x08, 0x08, 0x3a, 0xaf, 0x02, 0x4a, 0xac])
    expect(bytes.length).toBe(2 + 3 + 303)
    expect(parent.length).toBe(bytes.length)
  })
})
