import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import { Arbitrary, Result, Schema } from "effect"
import { encodeFrame } from "../../src/protocol/Frame.ts"
import { FrameDecoder } from "../../src/protocol/FrameDecoder.ts"
import { makeRequest } from "../../src/protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../../src/protocol/RemotingCommand.ts"
import { remotingCommand } from "../../src/testkit/Arbitraries.ts"
import { roundTripped } from "../helpers.ts"

const encodeOk = (command: RemotingCommand): Uint8Array => Result.getOrThrow(encodeFrame(command))

const decodeChunks = (chunks: ReadonlyArray<Uint8Array>, decoder = new FrameDecoder()) => {
  const commands: Array<RemotingCommand> = []
  for (const chunk of chunks) {
    const error = decoder.push(chunk, (command) => commands.push(command))
    if (error !== undefined) throw error
  }
  return { commands, decoder }
}

/** Cuts `bytes` at the given positions (taken modulo the length, sorted, duplicates kept). */
const cutAt = (bytes: Uint8Array, positions: ReadonlyArray<number>): Array<Uint8Array> => {
  const points = positions.map((p) => (bytes.length === 0 ? 0 : p % (bytes.length + 1))).sort((a, b) => a - b)
  const chunks: Array<Uint8Array> = []
  let from = 0
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point))
    from = point
  }
  return chunks
}

const streamCase = Arbitrary.all({
  commands: Arbitrary.array(remotingCommand, { maxLength: 8 }),
  cuts: Arbitrary.schema(Schema.Array(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100_000 })))),
  split: Arbitrary.schema(Schema.Boolean)
})

describe("FrameDecoder", () => {
  it.prop("a stream of frames cut at random boundaries decodes to the same commands", [streamCase], ([{ commands, cuts, split }]) => {
    const stream = Buffer.concat(commands.map(encodeOk))
    // Either random cut points, or every single byte on its own.
    const chunks = split ? cutAt(stream, cuts) : Array.from(stream, (_, i) => stream.subarray(i, i + 1))
    const { commands: decoded, decoder } = decodeChunks(chunks)
    assert.deepStrictEqual(decoded.map(roundTripped), commands.map(roundTripped))
    assert.strictEqual(decoder.bufferedBytes, 0)
  }, { arbitrary: { runs: 200 } })

  it("decodes many frames from one chunk and keeps the partial rest", () => {
    const frames = Array.from({ length: 50 }, (_, i) => encodeOk(makeRequest({ code: i, opaque: i })))
    const stream = Buffer.concat(frames)
    const { commands, decoder } = decodeChunks([stream.subarray(0, stream.length - 3)])
    assert.strictEqual(commands.length, 49)
    assert.deepStrictEqual(commands.map((c) => c.opaque), Array.from({ length: 49 }, (_, i) => i))
    assert.strictEqual(decoder.bufferedBytes, frames[49]!.length - 3)
    const rest = decodeChunks([stream.subarray(stream.length - 3)], decoder)
    assert.deepStrictEqual(rest.commands.map((c) => c.opaque), [49])
  })

  it("holds only the bytes that arrived for a frame announcing a huge length", () => {
    const decoder = new FrameDecoder()
    const header = Buffer.from("00fffff800000010", "hex") // 16 MiB - 4: allowed, but only 8 bytes sent
    assert.strictEqual(decoder.push(header, () => assert.fail("nothing is complete")), undefined)
    for (let i = 0; i < 100; i++) decoder.push(new Uint8Array(1000), () => assert.fail("nothing is complete"))
    assert.strictEqual(decoder.bufferedBytes, 8 + 100_000)
  })

  it("rejects garbage as soon as the length and type words are in, even when cut", () => {
    const decoder = new FrameDecoder()
    assert.strictEqual(decoder.push(Buffer.from("000010", "hex"), () => {}), undefined)
    assert.strictEqual(decoder.push(Buffer.from("00", "hex"), () => {}), undefined)
    const error = decoder.push(Buffer.from("07000000", "hex"), () => {})
    assert.strictEqual(error?.reason._tag, "UnknownSerializeType")
    // once failed, it stays failed
    assert.strictEqual(decoder.push(encodeOk(makeRequest({ code: 1 })), () => assert.fail("failed decoders emit nothing")), error)
  })

  it("emits the frames that precede a bad one", () => {
    const good = encodeOk(makeRequest({ code: 7, opaque: 1 }))
    const decoder = new FrameDecoder()
    const seen: Array<number> = []
    const error = decoder.push(Buffer.concat([good, Buffer.from("ffffffff", "hex")]), (c) => seen.push(c.opaque))
    assert.deepStrictEqual(seen, [1])
    assert.strictEqual(error?.reason._tag, "NegativeFrameLength")
  })

  it("applies a configured maximum frame size to the stream", () => {
    const decoder = new FrameDecoder({ maxFrameSize: 32 })
    const error = decoder.push(encodeOk(makeRequest({ code: 1, body: new Uint8Array(64) })), () => {})
    assert.strictEqual(error?.reason._tag, "FrameTooLarge")
  })

  const printableLine = Arbitrary.schema(Schema.String.check(Schema.isPattern(/^[\x20-\x7e]{4,60}$/)))

  it.prop("text where a frame is due (an HTTP or SMTP server) is reported as not RocketMQ, whole or byte by byte", [printableLine], ([line]) => {
    const bytes = Buffer.from(`${line}\r\nmore: text\r\n`, "latin1")
    const whole = new FrameDecoder().push(bytes, () => {})
    assert.strictEqual(whole?.reason._tag, "NotRemotingProtocol")
    assert.include(whole?.message ?? "", JSON.stringify(line))
    const decoder = new FrameDecoder()
    let error = undefined
    for (let i = 0; i < bytes.length && error === undefined; i++) error = decoder.push(bytes.subarray(i, i + 1), () => {})
    assert.strictEqual(error?.reason._tag, "NotRemotingProtocol")
    // by the fourth byte the length word is in: the text is what has arrived so far
    assert.include(error?.message ?? "", JSON.stringify(line.slice(0, 4)))
  })

  it("an HTTP answer after a good frame; binary garbage stays FrameTooLarge", () => {
    const good = encodeOk(makeRequest({ code: 7, opaque: 1 }))
    const seen: Array<number> = []
    const error = new FrameDecoder().push(Buffer.concat([good, Buffer.from("HTTP/1.1 400 Bad Request\r\n")]), (c) => seen.push(c.opaque))
    assert.deepStrictEqual(seen, [1])
    assert.strictEqual(error?.message, `not a RocketMQ server: it answered "HTTP/1.1 400 Bad Request", text where a frame was due`)
    const binary = new FrameDecoder().push(Buffer.from("7f0000ff00000000", "hex"), () => {})
    assert.strictEqual(binary?.reason._tag, "FrameTooLarge")
  })
})

describe("protocol errors say they are not retryable", () => {
  it.prop("whatever garbage stops the decoder, its error is a ProtocolError that is not retryable", [Schema.Uint8Array], ([bytes]) => {
    const header = Buffer.alloc(8)
    // A length word and a type word that most random tails will contradict.
    header.writeInt32BE(bytes.length === 0 ? -1 : bytes.length, 0)
    header.writeInt32BE(bytes.length * 7919, 4)
    const error = new FrameDecoder({ maxFrameSize: 64 }).push(Buffer.concat([header, bytes]), () => undefined)
    if (error === undefined) return
    assert.strictEqual(error._tag, "ProtocolError")
    assert.isFalse(error.isRetryable)
    assert.isFalse(error.reason.isRetryable)
  })

  it("an HTTP answer, a negative length and an oversized frame are each not retryable", () => {
    const inputs = [Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n"), Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]), Buffer.from([0, 0, 1, 0, 0, 0, 0, 0])]
    const tags = inputs.map((input) => {
      const error = new FrameDecoder({ maxFrameSize: 64 }).push(input, () => undefined)
      assert.isDefined(error)
      assert.isFalse(error?.isRetryable)
      return error?.reason._tag
    })
    assert.deepStrictEqual(tags, ["NotRemotingProtocol", "NegativeFrameLength", "FrameTooLarge"])
  })
})
