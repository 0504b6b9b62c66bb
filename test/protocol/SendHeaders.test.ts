import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Result, Schema } from "effect"
import {
  decodeSendMessageRequestHeaderV2,
  decodeSendMessageResponseHeader,
  decodeSendMessageResponseHeaderBySchema,
  encodeSendMessageRequestHeaderV2,
  encodeSendMessageRequestHeaderV2BySchema,
  SendMessageRequestHeaderV2
} from "../../src/protocol/SendHeaders.ts"

const requestHeader = Arbitrary.schema(Schema.toType(SendMessageRequestHeaderV2))

/** Values of the response header's fields: mostly plausible, sometimes not. */
const fieldValue = Arbitrary.schema(Schema.Union([
  Schema.Literals(["0", "7", "-1", "+3", "2147483647", "2147483648", "-2147483648", "9007199254740991", "99999999999999999", "1.5", "", " 1", "true", "TRUE", "false", "x"]),
  Schema.String
]))
const responseFields = Arbitrary.map(
  Arbitrary.all({
    msgId: Arbitrary.schema(Schema.UndefinedOr(Schema.String)),
    queueId: Arbitrary.schema(Schema.UndefinedOr(Schema.String)),
    queueOffset: Arbitrary.schema(Schema.UndefinedOr(Schema.String)),
    numbers: Arbitrary.array(fieldValue, { minLength: 2, maxLength: 2 }),
    transactionId: Arbitrary.schema(Schema.UndefinedOr(Schema.String)),
    MSG_REGION: Arbitrary.schema(Schema.UndefinedOr(Schema.String)),
    TRACE_ON: Arbitrary.schema(Schema.UndefinedOr(Schema.Literals(["true", "false", "TRUE", "yes", ""]))),
    plausible: Arbitrary.schema(Schema.Boolean)
  }),
  (f) => {
    const fields: Record<string, string> = {}
    const put = (key: string, value: string | undefined) => {
      if (value !== undefined) fields[key] = value
    }
    put("msgId", f.msgId ?? (f.plausible ? "7F00000100002A9F0000000000005A28" : undefined))
    put("queueId", f.plausible ? f.numbers[0] : f.queueId)
    put("queueOffset", f.plausible ? f.numbers[1] : f.queueOffset)
    put("transactionId", f.transactionId)
    put("MSG_REGION", f.MSG_REGION)
    put("TRACE_ON", f.TRACE_ON)
    return fields
  }
)

describe("send headers", () => {
  it.prop("the hand-written V2 encoder writes what the schema writes, keys in the same order", [requestHeader], ([header]) => {
    const fast = encodeSendMessageRequestHeaderV2(header)
    const reference = encodeSendMessageRequestHeaderV2BySchema(header)
    assert.deepStrictEqual(Object.entries(fast), Object.entries(reference))
    assert.deepStrictEqual(Result.getOrThrow(decodeSendMessageRequestHeaderV2(fast)), header)
  }, { arbitrary: { runs: 500 } })

  it.prop("the fast response decoder agrees with the schema on any input", [responseFields], ([fields]) => {
    const fast = decodeSendMessageResponseHeader(fields)
    const reference = decodeSendMessageResponseHeaderBySchema(fields)
    assert.strictEqual(Result.isSuccess(fast), Result.isSuccess(reference), JSON.stringify(fields))
    if (Result.isSuccess(fast) && Result.isSuccess(reference)) assert.deepStrictEqual(fast.success, reference.success)
  }, { arbitrary: { runs: 1000 } })

  it("reads a real 4.9.8 answer", () => {
    const header = Result.getOrThrow(decodeSendMessageResponseHeader({
      queueId: "0", TRACE_ON: "true", MSG_REGION: "DefaultRegion", msgId: "7F00000100002A9F00000001109637E4", queueOffset: "26"
    }))
    assert.deepStrictEqual(header, {
      msgId: "7F00000100002A9F00000001109637E4", queueId: 0, queueOffset: 26, regionId: "DefaultRegion", traceOn: true
    })
  })
})
