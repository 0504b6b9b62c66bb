/**
 * The public surface: the package root holds what a producer's user needs, and every public module
 * of a layer is reachable through its subpath (`effect-rocketmq/protocol`, `/transport`, `/route`,
 * `/producer`), with the very same values.
 */
import { assert, describe, it } from "@effect/vitest"
import { readdirSync } from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Root from "../../src/index.ts"
import * as ProducerLayer from "../../src/producer/index.ts"
import * as ProtocolLayer from "../../src/protocol/index.ts"
import * as RouteLayer from "../../src/route/index.ts"
import * as TransportLayer from "../../src/transport/index.ts"

const src = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../src")

/** Modules that are parts of their layer's machinery, not API: no subpath exports them. */
const internal = new Set([
  "protocol/BinaryHeader.ts",
  "protocol/FastjsonWriter.ts",
  "protocol/JsonBody.ts",
  "protocol/JsonCursor.ts",
  "protocol/JsonHeader.ts",
  "protocol/RememberedStrings.ts",
  "protocol/Utf8.ts",
  "transport/Connection.ts",
  "transport/CorkedWrites.ts",
  "transport/Deadlines.ts",
  "transport/ResponseTable.ts",
  "route/RouteKeys.ts",
  "producer/ClientInstance.ts",
  "producer/Heartbeat.ts",
  "producer/QueueSelector.ts",
  "producer/SendPipeline.ts",
  "producer/SendRequest.ts"
])

const layers: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ["protocol", ProtocolLayer],
  ["transport", TransportLayer],
  ["route", RouteLayer],
  ["producer", ProducerLayer]
]

const modulesOf = (layer: string): Array<string> =>
  readdirSync(Path.join(src, layer), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && file !== "index.ts")
    .map((file) => `${layer}/${file.split(Path.sep).join("/")}`)
    .sort()

describe("public surface", () => {
  it("the root holds the producer, its options, messages, results, errors and metrics, and not the layers beneath", () => {
    const names = Object.keys(Root)
    for (const needed of ["Producer", "makeMessage", "Message", "SendResult", "SendStatus", "MessageQueue", "NoRouteInfo", "InvalidMessage", "ProducerMetrics", "RouteMetrics"]) {
      assert.include(names, needed)
    }
    for (const lower of ["diff", "changed", "publishQueues", "encodeSendMessageRequestHeaderV2BySchema", "encodeFrame", "RequestCode", "makeRemotingClient"]) {
      assert.notInclude(names, lower)
    }
    assert.isBelow(names.length, 60, names.join(" "))
  })

  it("every export of every public module is reachable through its layer's subpath, as the same value", async () => {
    for (const [layer, barrel] of layers) {
      for (const file of modulesOf(layer)) {
        if (internal.has(file)) continue
        const module: Record<string, unknown> = await import(Path.join(src, file))
        for (const name of Object.keys(module)) {
          assert.strictEqual(
            barrel[name],
            module[name],
            `${file} exports ${name}, which src/${layer}/index.ts does not re-export: add the module there, or to the internal list of this test`
          )
        }
      }
    }
  })

  it("the root's names are the subpaths' values", () => {
    const everything = new Map<string, unknown>()
    for (const [, barrel] of layers) for (const [name, value] of Object.entries(barrel)) everything.set(name, value)
    for (const [name, value] of Object.entries(Root)) {
      if (name === "ProducerMetrics" || name === "RouteMetrics") continue
      assert.strictEqual(value, everything.get(name), name)
    }
    assert.strictEqual(Root.ProducerMetrics.messagesSent, ProducerLayer.messagesSent)
    assert.strictEqual(Root.RouteMetrics.routeCacheHits, RouteLayer.routeCacheHits)
  })
})
