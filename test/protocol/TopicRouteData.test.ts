/**
 * parseTopicRouteData's hand-written fast path reads exactly what the schema decodes: on routes in
 * both JSON styles it is taken and agrees; on damaged values it either agrees or defers to the
 * schema, and never accepts what the schema rejects.
 */
import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { parseLenientJson } from "../../src/protocol/LenientJson.ts"
import { readTopicRouteData, TopicRouteDataFromWire, writeTopicRouteData } from "../../src/protocol/TopicRouteData.ts"
import { topicRouteData } from "../../src/testkit/RouteArbitraries.ts"

const bySchema = Schema.decodeUnknownResult(TopicRouteDataFromWire)

const replacements: ReadonlyArray<unknown> = [null, 0, 1.5, -1, 2 ** 60, "x", "", true, [], {}, ["a"], { "0": "a" }, { x: 1 }]

/** Every path to a value inside `json`. */
const paths = (json: unknown, prefix: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> => {
  if (Array.isArray(json)) return [prefix, ...json.flatMap((item, i) => paths(item, [...prefix, i]))]
  if (typeof json === "object" && json !== null) {
    return [prefix, ...Object.entries(json).flatMap(([key, value]) => paths(value, [...prefix, key]))]
  }
  return [prefix]
}

/** A copy of `json` with the value at `path` replaced (or deleted, or given an extra key). */
const damage = (json: unknown, path: ReadonlyArray<string | number>, how: number): unknown => {
  const [head, ...rest] = path
  if (head === undefined) {
    if (how < replacements.length) return replacements[how]
    if (typeof json === "object" && json !== null && !Array.isArray(json)) return { ...json, extra: how }
    return json
  }
  if (Array.isArray(json)) return json.map((item, i) => (i === head ? damage(item, rest, how) : item))
  if (typeof json === "object" && json !== null) {
    const copy: Record<string, unknown> = { ...json }
    if (rest.length === 0 && how === replacements.length + 1) delete copy[String(head)]
    else copy[String(head)] = damage(copy[String(head)], rest, how)
    return copy
  }
  return json
}

const Pick = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1_000_000 }))

describe("readTopicRouteData (the fast path of parseTopicRouteData)", () => {
  it.prop("reads routes of both styles as the schema does; only static-topic mappings are left to it", [topicRouteData, Schema.Boolean], ([route, legacy]) => {
    const json = Result.getOrThrow(parseLenientJson(writeTopicRouteData(route, legacy ? "legacy" : "standard")))
    const fast = readTopicRouteData(json)
    const slow = Result.getOrThrow(bySchema(json))
    if (route.topicQueueMappingByBroker === undefined) assert.isDefined(fast)
    if (fast !== undefined) assert.deepStrictEqual(fast, slow)
    assert.deepStrictEqual(slow, route)
  }, { arbitrary: { runs: 300 } })

  it.prop("on a damaged route it agrees with the schema or defers to it", [topicRouteData, Pick, Pick], ([route, where, how]) => {
    const json = Result.getOrThrow(parseLenientJson(writeTopicRouteData(route, "standard")))
    const all = paths(json)
    const damaged = damage(json, all[where % all.length]!, how % (replacements.length + 2))
    const fast = readTopicRouteData(damaged)
    const slow = bySchema(damaged)
    if (fast !== undefined) {
      assert.isTrue(Result.isSuccess(slow), "the fast path accepted what the schema rejects")
      if (Result.isSuccess(slow)) assert.deepStrictEqual(fast, slow.success)
    }
  }, { arbitrary: { runs: 1000 } })
})
