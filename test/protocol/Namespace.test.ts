/**
 * Namespaces wrap and unwrap names as Java's `NamespaceUtil` does (REMOTING.md §18).
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Schema } from "effect"
import { isSystemResource, withoutNamespace, wrapNamespace } from "../../src/protocol/Namespace.ts"

const name = Arbitrary.schema(Schema.String.check(Schema.isPattern(/^[A-Za-z0-9_-]{1,20}$/)))
const prefixed = Arbitrary.schema(Schema.String.check(Schema.isPattern(/^(%RETRY%|%DLQ%)?[A-Za-z0-9_-]{1,20}$/)))

describe("Namespace", () => {
  it("wraps topics and groups, keeps retry and DLQ prefixes in front", () => {
    assert.strictEqual(wrapNamespace("ns", "orders"), "ns%orders")
    assert.strictEqual(wrapNamespace("ns", "%RETRY%group"), "%RETRY%ns%group")
    assert.strictEqual(wrapNamespace("ns", "%DLQ%group"), "%DLQ%ns%group")
  })

  it("never wraps system topics or groups, nor names already wrapped, nor without a namespace", () => {
    for (const topic of ["TBW102", "SCHEDULE_TOPIC_XXXX", "RMQ_SYS_TRACE_TOPIC", "rmq_sys_anything", "CID_RMQ_SYS_X"]) {
      assert.isTrue(isSystemResource(topic))
      assert.strictEqual(wrapNamespace("ns", topic), topic)
    }
    assert.strictEqual(wrapNamespace("ns", "ns%orders"), "ns%orders")
    assert.strictEqual(wrapNamespace("ns", "%RETRY%ns%g"), "%RETRY%ns%g")
    assert.strictEqual(wrapNamespace(undefined, "orders"), "orders")
    assert.strictEqual(wrapNamespace("", "orders"), "orders")
  })

  it("unwraps only names carrying this namespace", () => {
    assert.strictEqual(withoutNamespace("ns", "ns%orders"), "orders")
    assert.strictEqual(withoutNamespace("ns", "%RETRY%ns%g"), "%RETRY%g")
    assert.strictEqual(withoutNamespace("ns", "other%orders"), "other%orders")
    assert.strictEqual(withoutNamespace("ns", "TBW102"), "TBW102")
  })

  it.prop("unwrap(wrap(r)) = r, and wrapping twice is wrapping once", [name, prefixed], ([namespace, resource]) => {
    const wrapped = wrapNamespace(namespace, resource)
    assert.strictEqual(withoutNamespace(namespace, wrapped), resource)
    assert.strictEqual(wrapNamespace(namespace, wrapped), wrapped)
    if (!isSystemResource(resource)) assert.include(wrapped, `${namespace}%`)
  })
})
