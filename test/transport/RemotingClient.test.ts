import { assert, describe, it } from "@effect/vitest"
import { Buffer } from "node:buffer"
import * as Net from "node:net"
import { Effect, Exit, Fiber, Layer, Result } from "effect"
import { encodeFrame } from "../../src/protocol/Frame.ts"
import { FrameDecoder } from "../../src/protocol/FrameDecoder.ts"
import { makeRequest, makeResponse } from "../../src/protocol/RemotingCommand.ts"
import type { RemotingCommand } from "../../src/protocol/RemotingCommand.ts"
import { ResponseCode } from "../../src/protocol/ResponseCode.ts"
import { makeRemotingServer } from "../../src/testkit/RemotingServer.ts"
import type { RequestHandler } from "../../src/testkit/RemotingServer.ts"
import { RemotingClient } from "../../src/transport/RemotingClient.ts"
import { failureTag } from "../helpers.ts"

/** Answers every request with code 0, echoing its code in the remark and its body. */
const echo: RequestHandler = (request) => ({ code: 0, remark: `echo ${request.code}`, body: request.body })

const withClient = <A, E>(use: (client: RemotingClient["Service"]) => Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const client = yield* RemotingClient
    return yield* use(client)
  }).pipe(Effect.provide(Layer.fresh(RemotingClient.layer({ connectTimeoutMillis: 1000 }))))

/**
 * A raw server that holds every request until `batch` have arrived, then answers them all in
 * reverse order in one write.
 */
const reversingServer = (batch: number) =>
  Effect.acquireRelease(
    Effect.callback<{ server: Net.Server; port: number }>((resume) => {
      const server = Net.createServer((socket) => {
        const decoder = new FrameDecoder()
        let held: Array<RemotingCommand> = []
        socket.on("data", (chunk) => {
          decoder.push(chunk, (request) => held.push(request))
          if (held.length >= batch) {
            const answers = held.reverse().map((request) =>
              Result.getOrThrow(encodeFrame(makeResponse(request, { code: 0, remark: String(request.extFields?.["n"]) })))
            )
            held = []
            socket.write(Buffer.concat(answers))
          }
        })
        socket.on("error", () => socket.destroy())
      })
      server.listen({ host: "127.0.0.1", port: 0 }, () => {
        const address = server.address()
        resume(Effect.succeed({ server, port: typeof address === "object" && address !== null ? address.port : 0 }))
      })
    }),
    ({ server }) => Effect.sync(() => server.close())
  )

describe("RemotingClient over loopback sockets", () => {
  it.live("1 000 concurrent requests on one connection, answered in reverse order, all complete correctly", () =>
    Effect.gen(function*() {
      const { port } = yield* reversingServer(1000)
      const results = yield* withClient((client) =>
        Effect.forEach(
          Array.from({ length: 1000 }, (_, n) => n),
          (n) => client.invoke(`127.0.0.1:${port}`, makeRequest({ code: 7, extFields: { n: String(n) } }), { timeoutMillis: 10_000 }),
          { concurrency: "unbounded" }
        )
      )
      assert.strictEqual(results.length, 1000)
      results.forEach((response, n) => assert.strictEqual(response.remark, String(n)))
    }).pipe(Effect.scoped))

  it.live("shares one connection per address, and echoes bodies intact", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(echo)
      const body = Buffer.from("x".repeat(70_000))
      yield* withClient((client) =>
        Effect.gen(function*() {
          const responses = yield* Effect.forEach(
            Array.from({ length: 50 }, () => 0),
            () => client.invoke(server.address, makeRequest({ code: 9, body }), { timeoutMillis: 5000 }),
            { concurrency: "unbounded" }
          )
          for (const response of responses) assert.isTrue(Buffer.from(response.body ?? []).equals(body))
          assert.strictEqual(server.connectionCount(), 1)
          assert.deepStrictEqual(yield* client.connections, [{ address: server.address, pendingRequests: 0 }])
        }))
    }).pipe(Effect.scoped))

  it.live("a peer that never answers: the request fails at its timeout, leaves nothing pending, and the next works", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(echo)
      server.faults.add({ fault: { _tag: "NoResponse" }, times: 1 })
      yield* withClient((client) =>
        Effect.gen(function*() {
          const started = Date.now()
          const exit = yield* Effect.exit(client.invoke(server.address, makeRequest({ code: 1 }), { timeoutMillis: 300 }))
          const elapsed = Date.now() - started
          assert.strictEqual(failureTag(exit), "RequestTimedOut")
          assert.isAtLeast(elapsed, 290)
          assert.isBelow(elapsed, 2000)
          assert.deepStrictEqual((yield* client.connections).map((c) => c.pendingRequests), [0])
          const next = yield* client.invoke(server.address, makeRequest({ code: 2 }), { timeoutMillis: 1000 })
          assert.strictEqual(next.remark, "echo 2")
        }))
    }).pipe(Effect.scoped))

  it.live("a request with a deadline reports the time its caller gave it, or else what was left of it", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(echo)
      yield* withClient((client) =>
        Effect.gen(function*() {
          // Connected first, so the requests below time out waiting for the answer, not the dial.
          yield* client.invoke(server.address, makeRequest({ code: 1 }), { timeoutMillis: 1000 })
          server.faults.add({ fault: { _tag: "NoResponse" }, times: 2 })
          const given = yield* Effect.flip(
            client.invoke(server.address, makeRequest({ code: 2 }), { deadline: Date.now() + 200, timeoutMillis: 1234 })
          )
          const left = yield* Effect.flip(client.invoke(server.address, makeRequest({ code: 3 }), { deadline: Date.now() + 200 }))
          assert.strictEqual(given.reason._tag, "RequestTimedOut")
          assert.strictEqual(left.reason._tag, "RequestTimedOut")
          if (given.reason._tag === "RequestTimedOut") assert.strictEqual(given.reason.timeoutMillis, 1234)
          if (left.reason._tag === "RequestTimedOut") {
            assert.isAtMost(left.reason.timeoutMillis, 200)
            assert.isAtLeast(left.reason.timeoutMillis, 150)
          }
        }))
    }).pipe(Effect.scoped))

  it.live("an interrupted request, alone on its connection, leaves nothing pending; its late answer is dropped and the next works", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(echo)
      yield* withClient((client) =>
        Effect.gen(function*() {
          yield* client.invoke(server.address, makeRequest({ code: 1 }), { timeoutMillis: 1000 })
          server.faults.add({ fault: { _tag: "NoResponse" }, times: 1 })
          const fiber = yield* Effect.forkChild(client.invoke(server.address, makeRequest({ code: 2 }), { timeoutMillis: 5000 }))
          yield* Effect.sleep("50 millis")
          assert.deepStrictEqual((yield* client.connections).map((c) => c.pendingRequests), [1])
          yield* Fiber.interrupt(fiber)
          const exit = yield* Fiber.await(fiber)
          assert.isTrue(Exit.hasInterrupts(exit))
          assert.deepStrictEqual((yield* client.connections).map((c) => c.pendingRequests), [0])
          const next = yield* client.invoke(server.address, makeRequest({ code: 3 }), { timeoutMillis: 1000 })
          assert.strictEqual(next.remark, "echo 3")
        }))
    }).pipe(Effect.scoped))

  it.live("a late response is dropped and never answers a later request", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(echo)
      server.faults.add({ code: 1, fault: { _tag: "Delay", millis: 300 }, times: 1 })
      yield* withClient((client) =>
        Effect.gen(function*() {
          const exit = yield* Effect.exit(client.invoke(server.address, makeRequest({ code: 1 }), { timeoutMillis: 100 }))
          assert.strictEqual(failureTag(exit), "RequestTimedOut")
          yield* Effect.sleep("300 millis") // the late answer arrives now
          const next = yield* client.invoke(server.address, makeRequest({ code: 2 }), { timeoutMillis: 1000 })
          assert.strictEqual(next.remark, "echo 2")
        }))
    }).pipe(Effect.scoped))

  it.live("the peer closes mid-request: every pending request fails at once with ConnectionClosed naming the address; the next call reconnects", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(echo)
      server.faults.add({ code: 5, fault: { _tag: "NoResponse" } })
      yield* withClient((client) =>
        Effect.gen(function*() {
          // forked from this fiber (not from forEach workers, whose children end with them)
          const waiting = yield* Effect.forEach(
            [1, 2, 3],
            () => Effect.forkChild(Effect.exit(client.invoke(server.address, makeRequest({ code: 5 }), { timeoutMillis: 10_000 })))
          )
          // bounded wait (at most 5 s) for the three requests to be on the wire
          for (let i = 0; i < 1000 && (yield* client.connections)[0]?.pendingRequests !== 3; i++) yield* Effect.sleep("5 millis")
          assert.strictEqual((yield* client.connections)[0]?.pendingRequests, 3)
          const started = Date.now()
          yield* server.dropConnections
          const exits = yield* Effect.forEach(waiting, Fiber.join)
          assert.isBelow(Date.now() - started, 1000)
          for (const exit of exits) {
            assert.strictEqual(failureTag(exit), "ConnectionClosed")
            assert.include(Exit.isFailure(exit) ? String(exit.cause) : "", server.address)
          }
          server.faults.clear()
          const next = yield* client.invoke(server.address, makeRequest({ code: 6 }), { timeoutMillis: 1000 })
          assert.strictEqual(next.remark, "echo 6")
          assert.strictEqual(server.connectionCount(), 1)
        }))
    }).pipe(Effect.scoped))

  it.live("garbage from the peer closes the connection with a typed error; the next call reconnects", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(echo)
      server.faults.add({ fault: { _tag: "Garbage", bytes: Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n") }, times: 1 })
      yield* withClient((client) =>
        Effect.gen(function*() {
          const exit = yield* Effect.exit(client.invoke(server.address, makeRequest({ code: 1 }), { timeoutMillis: 2000 }))
          assert.strictEqual(failureTag(exit), "ConnectionClosed")
          assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "invalid frame")
          const next = yield* client.invoke(server.address, makeRequest({ code: 2 }), { timeoutMillis: 1000 })
          assert.strictEqual(next.remark, "echo 2")
        }))
    }).pipe(Effect.scoped))

  it.live("a peer that trickles its answer cannot hold a caller past its budget; closeOnTimeout drops the connection", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(echo)
      server.faults.add({ fault: { _tag: "Trickle", intervalMillis: 20 }, times: 1 })
      yield* withClient((client) =>
        Effect.gen(function*() {
          const exit = yield* Effect.exit(
            client.invoke(server.address, makeRequest({ code: 1 }), { timeoutMillis: 250, closeOnTimeout: true })
          )
          assert.strictEqual(failureTag(exit), "RequestTimedOut")
          assert.deepStrictEqual(yield* client.connections, [])
          const next = yield* client.invoke(server.address, makeRequest({ code: 2 }), { timeoutMillis: 1000 })
          assert.strictEqual(next.remark, "echo 2")
        }))
    }).pipe(Effect.scoped))

  it.live("a request the server sends is answered REQUEST_CODE_NOT_SUPPORTED; a oneway one is ignored", () =>
    Effect.gen(function*() {
      const answers: Array<RemotingCommand> = []
      const server = yield* makeRemotingServer((request) => {
        if (request.code === 99) answers.push(request)
        return { code: 0 }
      })
      yield* withClient((client) =>
        Effect.gen(function*() {
          yield* client.invoke(server.address, makeRequest({ code: 1 }), { timeoutMillis: 1000 })
          server.pushToClients(makeRequest({ code: 39, oneway: true }))
          server.pushToClients(makeRequest({ code: 40 }))
          yield* Effect.sleep("100 millis")
          const after = yield* client.invoke(server.address, makeRequest({ code: 2 }), { timeoutMillis: 1000 })
          assert.strictEqual(after.code, 0)
        }))
      // the server decoded one answer from the client: a response, not counted as a request
      assert.strictEqual(server.requestCount(), 2)
    }).pipe(Effect.scoped))

  it.live("oneway requests complete on write and reach the server", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(echo)
      yield* withClient((client) =>
        Effect.gen(function*() {
          yield* client.invokeOneway(server.address, makeRequest({ code: 35, oneway: true }), 1000)
          yield* client.invokeOneway(server.address, makeRequest({ code: 35, oneway: true }), 1000)
          for (let i = 0; i < 1000 && server.requestCount(35) < 2; i++) yield* Effect.sleep("5 millis") // at most 5 s
          assert.strictEqual(server.requestCount(35), 2)
        }))
    }).pipe(Effect.scoped))

  it.live("refused connections and invalid addresses fail with typed errors, never a defect", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(echo)
      yield* server.refuseConnections
      yield* withClient((client) =>
        Effect.gen(function*() {
          const refused = yield* Effect.exit(client.invoke(server.address, makeRequest({ code: 1 }), { timeoutMillis: 1000 }))
          assert.strictEqual(failureTag(refused), "ConnectFailed")
          const invalid = yield* Effect.exit(client.invoke("no-port-here", makeRequest({ code: 1 }), { timeoutMillis: 1000 }))
          assert.strictEqual(failureTag(invalid), "InvalidRequest")
          const tooBig = yield* Effect.exit(
            client.invoke(server.address, makeRequest({ code: 40000, serializeType: "ROCKETMQ" }), { timeoutMillis: 1000 })
          )
          assert.strictEqual(failureTag(tooBig), "InvalidRequest")
          yield* server.acceptConnections
          const ok = yield* client.invoke(server.address, makeRequest({ code: 3 }), { timeoutMillis: 1000 })
          assert.strictEqual(ok.remark, "echo 3")
        }))
    }).pipe(Effect.scoped))

  it.live("GO_AWAY: the client reconnects and sends once more", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer(echo)
      server.faults.add({ fault: { _tag: "RespondWith", code: ResponseCode.GO_AWAY, remark: "please go away" }, times: 1 })
      yield* withClient((client) =>
        Effect.gen(function*() {
          const response = yield* client.invoke(server.address, makeRequest({ code: 8 }), { timeoutMillis: 1000 })
          assert.strictEqual(response.remark, "echo 8")
          assert.strictEqual(server.requestCount(8), 2)
        }))
    }).pipe(Effect.scoped))

  it.live("a testkit handler that throws answers SYSTEM_ERROR; the server carries on", () =>
    Effect.gen(function*() {
      const server = yield* makeRemotingServer((request) => {
        if (request.code === 13) throw new Error("handler bug")
        return { code: 0 }
      })
      yield* withClient((client) =>
        Effect.gen(function*() {
          const failed = yield* client.invoke(server.address, makeRequest({ code: 13 }), { timeoutMillis: 1000 })
          assert.include(failed, { code: ResponseCode.SYSTEM_ERROR, remark: "handler bug" })
          const ok = yield* client.invoke(server.address, makeRequest({ code: 1 }), { timeoutMillis: 1000 })
          assert.strictEqual(ok.code, 0)
        }))
    }).pipe(Effect.scoped))
})
