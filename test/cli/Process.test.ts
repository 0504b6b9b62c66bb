import { assert, describe, it } from "@effect/vitest"
import * as Http from "node:http"
import { Effect } from "effect"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import { runCliCapture } from "./cliHarness.ts"
import { startCli } from "./cliProcess.ts"

describe("the effect-rocketmq process", () => {
  it.live("`send … | head -1`: a closed stdout ends the process quietly, exit 0", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 1, topics: [{ topicName: "Piped" }] })
      const send = yield* startCli(["send", "Piped", "--count", "200", "--namesrv", cluster.nameServerAddress])
      yield* send.line(/^SEND_OK/)
      send.closeStdout()
      assert.strictEqual(yield* send.exited, 0)
      assert.strictEqual(send.stderr.join(""), "")
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.live("a peer that is not a RocketMQ server (an HTTP server) is reported as such", () =>
    Effect.gen(function*() {
      const server = Http.createServer((_, response) => response.end("not rocketmq"))
      const port = yield* Effect.callback<number>((resume) => {
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : 0))
        })
      })
      yield* Effect.addFinalizer(() => Effect.callback<void>((resume) => { server.close(() => resume(Effect.void)) }))
      for (const args of [["brokers"], ["route", "Orders"], ["send", "Orders", "--timeout", "2000"]]) {
        const run = yield* runCliCapture([...args, "--namesrv", `127.0.0.1:${port}`])
        assert.strictEqual(run.exitCode, 1, args.join(" "))
        assert.strictEqual(run.stderr.length, 1)
        assert.match(run.stderr[0]!, /not a RocketMQ server: it answered "HTTP\/1\.1 400 Bad Request/, args.join(" "))
      }
    }).pipe(Effect.scoped), { timeout: 60_000 })
})
