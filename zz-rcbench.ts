// RemotingClient alone at N in flight against the echo responder: CPU µs per request and p50.
import { Context, Effect, Layer } from "effect"
import { makeRequest } from "./src/protocol/RemotingCommand.ts"
import { RemotingClient } from "./src/transport/RemotingClient.ts"
const [port = "0", inFlight = "1", seconds = "4"] = process.argv.slice(2)
const address = `127.0.0.1:${port}`
const body = new Uint8Array(1024).fill(120)
const req = makeRequest({ code: 310, extFields: { a: "1", b: "topic", c: "x" }, body })
const main = Effect.gen(function*() {
  const client = Context.get(yield* Layer.build(RemotingClient.layer()), RemotingClient)
  const run = (ms: number, record: boolean) => Effect.gen(function*() {
    const lat: number[] = []
    const until = Date.now() + ms
    let n = 0
    const worker = Effect.gen(function*() {
      while (Date.now() < until) {
        const t = performance.now()
        yield* client.invoke(address, req, { timeoutMillis: 3000 })
        if (record) lat.push(performance.now() - t)
        n++
      }
    })
    const c0 = process.cpuUsage()
    yield* Effect.all(Array.from({ length: Number(inFlight) }, () => worker), { concurrency: "unbounded", discard: true })
    const c = process.cpuUsage(c0)
    lat.sort((a, b) => a - b)
    return { n, cpuUsPerReq: (c.user + c.system) / n, p50us: (lat[Math.floor(lat.length / 2)] ?? 0) * 1000 }
  })
  yield* run(1500, false)
  const r = yield* run(Number(seconds) * 1000, true)
  console.log(JSON.stringify(r))
}).pipe(Effect.scoped)
Effect.runPromise(main).then(() => process.exit(0))
