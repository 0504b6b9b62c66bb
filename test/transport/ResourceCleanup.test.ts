/**
 * Closing the client's layer leaves nothing behind. In a file of its own so that no other test's
 * sockets come and go while Node's active handles are counted.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, Scope } from "effect"
import { makeRequest } from "../../src/protocol/RemotingCommand.ts"
import { makeRemotingServer } from "../../src/testkit/RemotingServer.ts"
import { RemotingClient } from "../../src/transport/RemotingClient.ts"
import { failureTag } from "../helpers.ts"

const handles = () => {
  const counts = new Map<string, number>()
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1)
  return { sockets: counts.get("TCPSocketWrap") ?? 0, timers: counts.get("Timeout") ?? 0 }
}

describe("RemotingClient resources", () => {
  it.live("closing the layer's scope fails requests in flight and leaves no socket or timer behind", () =>
    Effect.gen(function*() {
      const serverScope = yield* Scope.make()
      const server = yield* makeRemotingServer(() => ({ code: 0 })).pipe(Scope.provide(serverScope))
      server.faults.add({ code: 5, fault: { _tag: "NoResponse" } })
      const before = handles()
      const clientScope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Layer.fresh(RemotingClient.layer()), clientScope)
      const client = context.mapUnsafe.get(RemotingClient.key)
      assert.isDefined(client)
      const inFlight = yield* Effect.forkChild(Effect.exit(
        RemotingClient.use((c) => c.invoke(server.address, makeRequest({ code: 5 }), { timeoutMillis: 30_000 })).pipe(
          Effect.provideContext(context)
        )
      ))
      yield* RemotingClient.use((c) => c.invoke(server.address, makeRequest({ code: 1 }), { timeoutMillis: 1000 })).pipe(
        Effect.provideContext(context)
      )
      assert.isAbove(handles().sockets, before.sockets)
      yield* Scope.close(clientScope, Exit.void)
      const exit = yield* Fiber.join(inFlight)
      assert.strictEqual(failureTag(exit), "ClientClosed")
      // and a request after the close fails at once, without dialing
      const after = yield* Effect.exit(
        RemotingClient.use((c) => c.invoke(server.address, makeRequest({ code: 1 }), { timeoutMillis: 30_000 })).pipe(
          Effect.provideContext(context)
        )
      )
      assert.strictEqual(failureTag(after), "ClientClosed")
      // Transient scheduler timers come and go; a leaked socket or request timer (30 s) would not.
      for (let i = 0; i < 100 && JSON.stringify(handles()) !== JSON.stringify(before); i++) yield* Effect.sleep("10 millis")
      assert.deepStrictEqual(handles(), before)
      yield* Scope.close(serverScope, Exit.void)
    }))
})
