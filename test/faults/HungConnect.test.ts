/**
 * A connection that never opens: a peer that accepts TCP but never answers the TLS handshake, so the
 * client's connect hangs. Requests and oneways fail with `ConnectTimedOut` within their budget, and
 * nothing is left behind.
 */
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { makeRequest } from "../../src/protocol/RemotingCommand.ts"
import { RemotingClient } from "../../src/transport/RemotingClient.ts"
import { failureTag } from "../helpers.ts"
import { leftoversOf } from "./leaks.ts"
import { rawPeer } from "./peers.ts"

/** Wall-clock slack for a loaded machine: real sockets, real timers. */
const SLACK_MILLIS = 1500

/** Accepts the TCP connection and stays silent: the TLS handshake never completes. */
const silentPeer = rawPeer(() => {})

/** A client that dials with TLS, in a scope of its own (closed by the scenario). */
const tlsClient = (connectTimeoutMillis: number) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    const client = Context.get(
      yield* Layer.buildWithScope(RemotingClient.layer({ connectTimeoutMillis, tlsFor: () => ({}) }), scope),
      RemotingClient
    )
    return { client, close: Scope.close(scope, Exit.void) }
  })

/** How an effect ended (`success` or its error's tag) and how long it took. */
const timed = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const started = Date.now()
    const exit = yield* Effect.exit(effect)
    return { tag: Exit.isSuccess(exit) ? "success" : failureTag(exit), millis: Date.now() - started }
  })

describe("a connect that never completes", () => {
  it.live("requests and oneways fail with ConnectTimedOut within their budget; nothing is left behind", () =>
    Effect.gen(function*() {
      const [outcomes, left] = yield* leftoversOf(Effect.gen(function*() {
        const peer = yield* silentPeer
        const { client, close } = yield* tlsClient(5000)
        // The request's own budget (400 ms) is shorter than the connect timeout (5 s): it bounds the dial.
        const outcomes = yield* Effect.all([
          timed(client.invoke(peer.address, makeRequest({ code: 105 }), { timeoutMillis: 400 })),
          timed(client.invoke(peer.address, makeRequest({ code: 105 }), { timeoutMillis: 400 })),
          timed(client.invokeOneway(peer.address, makeRequest({ code: 105, oneway: true }), 400))
        ], { concurrency: "unbounded" })
        assert.isAtLeast(peer.accepted(), 1)
        yield* close
        return outcomes
      }))
      for (const { millis, tag } of outcomes) {
        assert.strictEqual(tag, "ConnectTimedOut")
        assert.isAtLeast(millis, 350)
        assert.isBelow(millis, 400 + SLACK_MILLIS)
      }
      assert.deepStrictEqual(left, { sockets: 0, timers: 0, fibers: 0 })
    }), 30_000)

  it.live("a connect timeout shorter than the request's budget ends the dial: ConnectTimedOut after it", () =>
    Effect.gen(function*() {
      const [outcome, left] = yield* leftoversOf(Effect.gen(function*() {
        const peer = yield* silentPeer
        const { client, close } = yield* tlsClient(300)
        const outcome = yield* timed(client.invoke(peer.address, makeRequest({ code: 105 }), { timeoutMillis: 10_000 }))
        yield* close
        return outcome
      }))
      assert.strictEqual(outcome.tag, "ConnectTimedOut")
      assert.isAtLeast(outcome.millis, 250)
      assert.isBelow(outcome.millis, 300 + SLACK_MILLIS)
      assert.deepStrictEqual(left, { sockets: 0, timers: 0, fibers: 0 })
    }), 30_000)
})
