import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Result } from "effect"
import { makeMessage } from "../../src/protocol/message/Message.ts"
import type { Message } from "../../src/protocol/message/Message.ts"
import { Producer } from "../../src/producer/Producer.ts"
import { BrokerRejected, SendFailed } from "../../src/producer/ProducerError.ts"
import { resolveProducerOptions } from "../../src/producer/ProducerOptions.ts"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import { failureTag } from "../helpers.ts"

/**
 * What a plain JavaScript caller may pass where the types say `Message`: `JSON.parse` gives an
 * untyped value, as any JavaScript caller would.
 */
const untyped = (json: string): Message => JSON.parse(json)

const throwingGetter = (field: "topic" | "body" | "properties"): Message =>
  Object.defineProperty({ ...makeMessage("Hostile", "x") }, field, {
    enumerable: true,
    get: () => {
      throw new TypeError(`${field} exploded`)
    }
  })

const throwingProxy: Message = new Proxy(makeMessage("Hostile", "x"), {
  get: () => {
    throw new Error("proxy trap")
  },
  has: () => {
    throw new Error("proxy trap")
  }
})

const throwingArray: ReadonlyArray<Message> = new Proxy([makeMessage("Hostile", "x")], {
  get: () => {
    throw new Error("array trap")
  }
})

const revoked = <A extends object>(target: A): A => {
  const { proxy, revoke } = Proxy.revocable(target, {})
  revoke()
  return proxy
}

const everyTrapThrows = {
  get: () => {
    throw new Error("trap")
  },
  has: () => {
    throw new Error("trap")
  },
  getPrototypeOf: () => {
    throw new Error("trap")
  },
  ownKeys: () => {
    throw new Error("trap")
  },
  getOwnPropertyDescriptor: () => {
    throw new Error("trap")
  }
}

const hostileMessages: ReadonlyArray<readonly [string, Message]> = [
  ["a revoked proxy", revoked(makeMessage("Hostile", "x"))],
  ["a proxy whose every trap throws", new Proxy(makeMessage("Hostile", "x"), everyTrapThrows)],
  ["null", untyped("null")],
  ["a number", untyped("42")],
  ["a string", untyped("\"Hostile\"")],
  ["an array", untyped("[]")],
  ["an object without fields", untyped("{}")],
  ["a throwing topic getter", throwingGetter("topic")],
  ["a throwing body getter", throwingGetter("body")],
  ["a throwing properties getter", throwingGetter("properties")],
  ["a proxy that throws on every read", throwingProxy]
]

const hostileBatches: ReadonlyArray<readonly [string, ReadonlyArray<Message>]> = [
  ["a revoked array proxy", revoked([makeMessage("Hostile", "x")])],
  ["an array proxy whose every trap throws", new Proxy([makeMessage("Hostile", "x")], everyTrapThrows)],
  ["null", JSON.parse("null")],
  ["an object", JSON.parse("{\"length\": 3}")],
  ["an array holding null", JSON.parse("[null]")],
  ["an array holding a throwing getter", [makeMessage("Hostile", "y"), throwingGetter("topic")]],
  ["an array proxy that throws on every read", throwingArray]
]

describe("hostile input at the producer's API", () => {
  it.live("send, sendOrderly, sendOneway and sendBatch: InvalidMessage in the error channel, never a throw or a defect", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Hostile" }] })
      yield* Effect.gen(function*() {
        const producer = yield* Producer
        const calls: Array<readonly [string, () => Effect.Effect<unknown, unknown>]> = []
        for (const [what, message] of hostileMessages) {
          calls.push([`send(${what})`, () => producer.send(message)])
          calls.push([`sendOrderly(${what})`, () => producer.sendOrderly(message, "key")])
          calls.push([`sendOneway(${what})`, () => producer.sendOneway(message)])
          calls.push([`sendBatch([${what}])`, () => producer.sendBatch([message])])
        }
        for (const [what, batch] of hostileBatches) calls.push([`sendBatch(${what})`, () => producer.sendBatch(batch)])
        calls.push(["sendOrderly(message, null)", () => producer.sendOrderly(makeMessage("Hostile", "z"), JSON.parse("null"))])

        for (const [what, call] of calls) {
          // The call itself must not throw: an Effect comes back, and running it fails typed.
          const made = Result.try(call)
          assert.isTrue(Result.isSuccess(made), `${what} threw synchronously`)
          if (Result.isFailure(made)) continue
          const exit = yield* Effect.exit(made.success)
          assert.isTrue(Exit.isFailure(exit), `${what} succeeded`)
          assert.strictEqual(failureTag(exit), "InvalidMessage", `${what}: ${String(exit)}`)
        }
        // Nothing went on the wire, and the producer still works.
        assert.strictEqual(cluster.brokers[0]?.requestCount(RequestCode.SEND_MESSAGE_V2) ?? -1, 0)
        assert.strictEqual((yield* producer.send(makeMessage("Hostile", "fine"))).status, "SEND_OK")
      }).pipe(Effect.provide(Layer.fresh(Producer.layer({ nameServers: cluster.nameServerAddress }))))
    }).pipe(Effect.scoped), 30_000)
})

describe("producer options reported truthfully", () => {
  it("a NaN, infinite or negative sendMsgTimeout is rejected, naming the value given", () => {
    for (const [input, shown] of [[Number.NaN, "NaN"], [Number.POSITIVE_INFINITY, "Infinity"], [-5, "-5"], [0, "0"]] as const) {
      const resolved = resolveProducerOptions({ nameServers: "127.0.0.1:9876", sendMsgTimeout: input })
      assert.isTrue(Result.isFailure(resolved), String(input))
      if (Result.isSuccess(resolved)) continue
      assert.strictEqual(resolved.failure.option, "sendMsgTimeout")
      assert.include(resolved.failure.message, `got ${shown} ms`)
    }
    const tuple = resolveProducerOptions({ nameServers: "127.0.0.1:9876", sendMsgTimeout: [Number.NaN, 0] })
    assert.isTrue(Result.isFailure(tuple) && tuple.failure.message.includes("NaN"))
  })

  it("an invalid producer group is named once, with the value given", () => {
    const resolved = resolveProducerOptions({ nameServers: "127.0.0.1:9876", producerGroup: "DEFAULT_PRODUCER" })
    assert.isTrue(Result.isFailure(resolved))
    if (Result.isSuccess(resolved)) return
    assert.strictEqual(
      resolved.failure.message,
      `invalid producer option producerGroup: the producer group "DEFAULT_PRODUCER" is reserved; choose another name`
    )
  })

  it("a failed send counts its attempts in words", () => {
    const attempt = (brokerName: string) => ({
      brokerName,
      address: "127.0.0.1:10911",
      reason: new BrokerRejected({ topic: "T", brokerName, address: "127.0.0.1:10911", code: 2, remark: "busy" })
    })
    const once = new SendFailed({ topic: "T", attempts: [attempt("broker-a")], elapsedMillis: 5, timedOut: false })
    assert.include(once.message, "send failed after 1 attempt in 5 ms")
    const twice = new SendFailed({ topic: "T", attempts: [attempt("broker-a"), attempt("broker-b")], elapsedMillis: 9, timedOut: true })
    assert.include(twice.message, "the send timed out after 2 attempts in 9 ms")
  })
})
