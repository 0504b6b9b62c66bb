import { assert, describe, it } from "@effect/vitest"
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { Arbitrary } from "effect"
import { intBetween } from "../../src/testkit/Arbitraries.ts"
import { ResponseTable } from "../../src/transport/ResponseTable.ts"

interface Box {
  readonly n: number
}

type Op =
  | { readonly _tag: "set"; readonly opaque: number; readonly n: number }
  | { readonly _tag: "delete"; readonly opaque: number }
  | { readonly _tag: "get"; readonly opaque: number }
  | { readonly _tag: "takeAll" }

/**
 * One step, drawn as numbers: the kind of step (set 5, delete 4, get 2, takeAll 1 in 12), and its
 * opaque from a small set (many collisions and reuses), from a strided run, or from all of int32.
 */
const op: Arbitrary.Arbitrary<Op> = Arbitrary.map(
  Arbitrary.all([intBetween(0, 11), intBetween(0, 2), intBetween(-8, 40), intBetween(0, 64), intBetween(-0x80000000, 0x7fffffff)]),
  ([kind, source, small, strided, any]): Op => {
    const opaque = source === 0 ? small : source === 1 ? strided * 64 : any
    return kind < 5 ? { _tag: "set", opaque, n: any } : kind < 9 ? { _tag: "delete", opaque } : kind < 11 ? { _tag: "get", opaque } : { _tag: "takeAll" }
  }
)

/** The table and a `Map` agree on everything the model holds. */
const assertSame = (table: ResponseTable<Box>, model: Map<number, Box>) => {
  assert.strictEqual(table.size, model.size)
  for (const [key, value] of model) assert.strictEqual(table.get(key), value, `opaque ${key}`)
}

describe("ResponseTable", () => {
  it.prop("behaves as a Map of opaques under any sequence of set, delete, get and takeAll", [Arbitrary.array(op, { maxLength: 400 })], ([ops]) => {
    const table = new ResponseTable<Box>()
    const model = new Map<number, Box>()
    for (const step of ops) {
      switch (step._tag) {
        case "set": {
          const box = { n: step.n }
          table.set(step.opaque, box)
          model.set(step.opaque, box)
          break
        }
        case "delete": {
          const expected = model.get(step.opaque)
          model.delete(step.opaque)
          assert.strictEqual(table.delete(step.opaque), expected)
          break
        }
        case "get":
          assert.strictEqual(table.get(step.opaque), model.get(step.opaque))
          break
        case "takeAll": {
          const taken = table.takeAll()
          assert.sameMembers(taken, [...model.values()])
          model.clear()
          break
        }
      }
      assertSame(table, model)
    }
  }, { arbitrary: { runs: 300 } })

  it.prop("a window of consecutive opaques, as a connection keeps its requests, grows, slides and drains", [
    intBetween(1, 3000),
    intBetween(1, 8),
    intBetween(-0x80000000, 0x7fffffff)
  ], ([window, stride, first]) => {
    const table = new ResponseTable<Box>()
    const model = new Map<number, Box>()
    const at = (i: number) => (first + i * stride) | 0
    for (let i = 0; i < window * 3; i++) {
      const box = { n: i }
      table.set(at(i), box)
      model.set(at(i), box)
      if (i >= window) {
        assert.strictEqual(table.delete(at(i - window)), model.get(at(i - window)))
        model.delete(at(i - window))
      }
    }
    assertSame(table, model)
    for (let i = window * 2; i < window * 3; i++) assert.isDefined(table.delete(at(i)))
    assert.strictEqual(table.size, 0)
    assert.isUndefined(table.get(at(window * 3 - 1)))
  }, { arbitrary: { runs: 60 } })

  it("after a full collection, requests coming and going are not promoted (those of a Map are)", () => {
    setFlagsFromString("--expose-gc")
    const collect: unknown = runInNewContext("gc")
    if (typeof collect !== "function") return assert.fail("gc() is not exposed")
    const oldSpaceUsed = () => getHeapSpaceStatistics().find((space) => space.space_name === "old_space")?.space_used_size ?? 0
    interface Store {
      set(opaque: number, value: { readonly payload: Array<number> }): void
      delete(opaque: number): unknown
    }
    /**
     * 64 requests in flight, 1 KiB each, 200 000 of them through the store after one full
     * collection: how much the old generation grew meanwhile (no full collection runs in it unless
     * promotion forces one).
     */
    const promoted = (store: Store) => {
      for (let i = 1; i <= 2000; i++) {
        store.set(i, { payload: new Array<number>(128).fill(i) })
        store.delete(i - 64)
      }
      collect()
      const before = oldSpaceUsed()
      for (let i = 2001; i <= 200_000; i++) {
        store.set(i, { payload: new Array<number>(128).fill(i) })
        store.delete(i - 64)
      }
      return (oldSpaceUsed() - before) / 2 ** 20
    }
    const table = promoted(new ResponseTable())
    const map = promoted(new Map())
    // Measured: the table 0.003 MiB, the Map 132 MiB (every request promoted).
    assert.isBelow(table, 8, `the table let ${table.toFixed(1)} MiB be promoted`)
    assert.isAbove(map, 8, `the measure no longer sees a Map's requests promoted (${map.toFixed(1)} MiB)`)
  })

  it("a response to an opaque nobody waits for finds nothing, and changes nothing", () => {
    const table = new ResponseTable<Box>()
    const box = { n: 1 }
    table.set(7, box)
    assert.isUndefined(table.delete(8))
    assert.isUndefined(table.get(0))
    assert.strictEqual(table.size, 1)
    assert.strictEqual(table.delete(7), box)
    assert.isUndefined(table.delete(7))
    assert.strictEqual(table.size, 0)
  })
})
