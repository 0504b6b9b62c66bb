/**
 * Hostile answers for the fault suite and the soak: generators (property-test arbitraries over the
 * codec, the route schema and the send header), a peer that answers with them on a live
 * connection, and runners that classify what the client made of each one. The CI suite and
 * `npm run soak` use the same generators and runners, at different volumes.
 */
import { Buffer } from "node:buffer"
import * as Net from "node:net"
import { Arbitrary, Effect, Exit, Result, Schema } from "effect"
import type { Scope } from "effect"
import type { Message } from "../../src/protocol/message/Message.ts"
import { encodeFrameParts } from "../../src/protocol/Frame.ts"
import { FrameDecoder } from "../../src/protocol/FrameDecoder.ts"
import { isOneway, isResponse, makeRequest, makeResponse } from "../../src/protocol/RemotingCommand.ts"
import type { RemotingCommand, ResponseOptions } from "../../src/protocol/RemotingCommand.ts"
import { RequestCode } from "../../src/protocol/RequestCode.ts"
import { RouteLimits } from "../../src/protocol/RouteLimits.ts"
import { writeTopicRouteData } from "../../src/protocol/TopicRouteData.ts"
import { intBetween } from "../../src/testkit/Arbitraries.ts"
import { topicRouteData } from "../../src/testkit/RouteArbitraries.ts"
import type { NameServerTransport } from "../../src/transport/NameServerTransport.ts"
import type { RemotingClient } from "../../src/transport/RemotingClient.ts"
import { failureTag } from "../helpers.ts"
import { rawPeer } from "./peers.ts"
import type { RawPeer } from "./peers.ts"

// ---------------------------------------------------------------------------------------------
// What a hostile peer answers
// ---------------------------------------------------------------------------------------------

/**
 * One hostile answer to one request. Frame-level answers end with the peer closing the
 * connection, so that no case waits for a timeout; `wrongOpaque` ends with the right answer.
 */
export type HostileAnswer =
  /** Random bytes, then close. */
  | { readonly kind: "random"; readonly bytes: Uint8Array }
  /** A frame of the right length holding random header and body bytes (type byte included), then close. */
  | { readonly kind: "framedRandom"; readonly payload: Uint8Array }
  /** The right answer (in the binary header when `binary`) cut after `keep` bytes, then close. */
  | { readonly kind: "truncated"; readonly keep: number; readonly binary: boolean }
  /** A length word above the largest frame, then close. */
  | { readonly kind: "oversized"; readonly length: number; readonly tail: Uint8Array }
  /** `count` well-formed answers carrying other opaques, then the right answer. */
  | { readonly kind: "wrongOpaque"; readonly count: number; readonly delta: number }
  /** The right answer (in the binary header when `binary`) with bytes overwritten, then close. */
  | {
    readonly kind: "mutated"
    readonly edits: ReadonlyArray<readonly [position: number, byte: number]>
    readonly binary: boolean
  }
  /** A well-framed SUCCESS answer whose body is the given (hostile) route text. */
  | { readonly kind: "routeBody"; readonly body: string }
  /** A well-framed answer to a send with the given code and header fields. */
  | {
    readonly kind: "sendAnswer"
    readonly code: number
    readonly extFields: Readonly<Record<string, string>>
  }

/** The kinds, for counting. */
export type HostileKind = HostileAnswer["kind"]

const bytes = (maxLength: number) => Arbitrary.schema(Schema.Uint8Array.check(Schema.isMaxLength(maxLength)))

const oneOf = <A>(first: Arbitrary.Arbitrary<A>, ...rest: ReadonlyArray<Arbitrary.Arbitrary<A>>): Arbitrary.Arbitrary<A> =>
  Arbitrary.flatMap(intBetween(0, rest.length), (index) => (index === 0 ? first : rest[index - 1] ?? first))

/** Frame-level hostile answers: random, truncated, oversized, wrong-opaque and mutated frames. */
export const frameAnswer: Arbitrary.Arbitrary<HostileAnswer> = oneOf<HostileAnswer>(
  Arbitrary.map(bytes(64), (b) => ({ kind: "random", bytes: b })),
  Arbitrary.map(bytes(96), (payload) => ({ kind: "framedRandom", payload })),
  Arbitrary.map(Arbitrary.all([intBetween(0, 60), Arbitrary.schema(Schema.Boolean)]), ([keep, binary]) => ({ kind: "truncated", keep, binary })),
  Arbitrary.map(
    Arbitrary.all([intBetween(16 * 1024 * 1024 + 1, 2_147_483_647), bytes(16)]),
    ([length, tail]) => ({ kind: "oversized", length, tail })
  ),
  Arbitrary.map(Arbitrary.all([intBetween(1, 4), intBetween(1, 1_000_000)]), ([count, delta]) => ({ kind: "wrongOpaque", count, delta })),
  Arbitrary.map(
    Arbitrary.all([
      Arbitrary.array(Arbitrary.all([intBetween(0, 80), intBetween(0, 255)]), { minLength: 1, maxLength: 4 }),
      Arbitrary.schema(Schema.Boolean)
    ]),
    ([edits, binary]) => ({ kind: "mutated", edits, binary })
  )
)

/** A JSON value that does not belong where it is put. */
const wrongValue: Arbitrary.Arbitrary<unknown> = oneOf<unknown>(
  Arbitrary.schema(Schema.String),
  intBetween(-2_147_483_648, 2_147_483_647),
  Arbitrary.Constant(null),
  Arbitrary.Constant(1e9),
  Arbitrary.Constant(RouteLimits.maxQueueNums + 1),
  Arbitrary.Constant(-1),
  Arbitrary.Constant(1.5),
  Arbitrary.Constant([]),
  Arbitrary.Constant({}),
  Arbitrary.Constant(true)
)

const routeFieldPaths = [
  ["queueDatas", 0, "writeQueueNums"],
  ["queueDatas", 0, "readQueueNums"],
  ["queueDatas", 0, "perm"],
  ["queueDatas", 0, "brokerName"],
  ["queueDatas", 0],
  ["queueDatas"],
  ["brokerDatas", 0, "brokerAddrs"],
  ["brokerDatas", 0, "brokerAddrs", "0"],
  ["brokerDatas", 0, "brokerName"],
  ["brokerDatas"],
  ["orderTopicConf"],
  ["filterServerTable"],
  ["topicQueueMappingByBroker"]
] as const

const setPath = (value: unknown, path: ReadonlyArray<string | number>, replacement: unknown): unknown => {
  const [head, ...rest] = path
  if (head === undefined) return replacement
  if (Array.isArray(value)) {
    const copy: Array<unknown> = [...value]
    const index = typeof head === "number" ? head : 0
    copy[index] = setPath(copy[index], rest, replacement)
    return copy
  }
  const record: Record<string, unknown> = typeof value === "object" && value !== null ? { ...value } : {}
  record[String(head)] = setPath(record[String(head)], rest, replacement)
  return record
}

/** Route bodies: schema-valid routes with one field made hostile, cut or mangled JSON, huge order confs. */
export const hostileRouteBody: Arbitrary.Arbitrary<string> = oneOf<string>(
  Arbitrary.map(
    Arbitrary.all([topicRouteData, intBetween(0, routeFieldPaths.length - 1), wrongValue]),
    ([route, pathIndex, value]) =>
      JSON.stringify(setPath(JSON.parse(writeTopicRouteData(route, "standard")), routeFieldPaths[pathIndex] ?? [], value))
  ),
  Arbitrary.map(
    Arbitrary.all([topicRouteData, intBetween(0, 400)]),
    ([route, keep]) => writeTopicRouteData(route, "legacy").slice(0, keep)
  ),
  Arbitrary.map(
    Arbitrary.all([topicRouteData, Arbitrary.array(Arbitrary.all([intBetween(0, 400), intBetween(32, 126)]), { minLength: 1, maxLength: 6 })]),
    ([route, edits]) => {
      const text = writeTopicRouteData(route, "standard").split("")
      for (const [position, code] of edits) if (position < text.length) text[position] = String.fromCharCode(code)
      return text.join("")
    }
  ),
  Arbitrary.map(
    Arbitrary.all([topicRouteData, intBetween(0, 3), intBetween(0, 9)]),
    ([route, items, exponent]) =>
      writeTopicRouteData({
        ...route,
        orderTopicConf: Array.from({ length: items + 1 }, (_, i) => `broker-${i}:${10 ** exponent}`).join(";")
      }, "standard")
  ),
  Arbitrary.schema(Schema.String)
)

const sendHeaderValue = oneOf<string>(
  Arbitrary.schema(Schema.String),
  Arbitrary.map(intBetween(-2_147_483_648, 2_147_483_647), String),
  Arbitrary.Constant("99999999999999999999"),
  Arbitrary.Constant(""),
  Arbitrary.Constant("NaN")
)

/** Answers to a send: a random response code and header fields, some missing, some malformed. */
export const hostileSendAnswer: Arbitrary.Arbitrary<HostileAnswer> = Arbitrary.map(
  Arbitrary.all([
    oneOf<number>(Arbitrary.Constant(0), intBetween(-5, 300), intBetween(-32768, 32767)),
    Arbitrary.array(
      Arbitrary.all([
        oneOf<string>(
          Arbitrary.schema(Schema.Literals(["msgId", "queueId", "queueOffset", "transactionId", "batchUniqId", "MSG_REGION", "TRACE_ON"])),
          Arbitrary.schema(Schema.String)
        ),
        sendHeaderValue
      ]),
      { maxLength: 7 }
    )
  ]),
  ([code, fields]) => ({ kind: "sendAnswer", code, extFields: Object.fromEntries(fields) })
)

/** Every kind of hostile answer to a route request. */
export const routeAnswer: Arbitrary.Arbitrary<HostileAnswer> = oneOf<HostileAnswer>(
  frameAnswer,
  Arbitrary.map(hostileRouteBody, (body) => ({ kind: "routeBody", body })),
  Arbitrary.map(hostileRouteBody, (body) => ({ kind: "routeBody", body }))
)

/** Every kind of hostile answer to a send. */
export const sendAnswer: Arbitrary.Arbitrary<HostileAnswer> = oneOf<HostileAnswer>(frameAnswer, hostileSendAnswer, hostileSendAnswer)

// ---------------------------------------------------------------------------------------------
// The hostile peer
// ---------------------------------------------------------------------------------------------

/** A peer answering requests of `hostileCode` with `answer`, everything else with SUCCESS. */
export interface HostilePeer extends RawPeer {
  answer: HostileAnswer
}

const frameBytes = (command: RemotingCommand): Buffer => {
  const frame = encodeFrameParts(command)
  if (Result.isFailure(frame)) return Buffer.alloc(0)
  return Buffer.concat(frame.success.body === undefined ? [frame.success.head] : [frame.success.head, frame.success.body])
}

const respond = (request: RemotingCommand, options: ResponseOptions): Buffer => frameBytes(makeResponse(request, options))

const closeAfter = (socket: Net.Socket, data: Uint8Array) => {
  socket.write(data)
  socket.end()
  setImmediate(() => socket.destroy())
}

const applyAnswer = (socket: Net.Socket, request: RemotingCommand, answer: HostileAnswer) => {
  const rightAnswer: ResponseOptions = { code: 0, remark: "ok", extFields: { msgId: "00", queueId: "0", queueOffset: "0" } }
  const right = respond(request, rightAnswer)
  const rightIn = (binary: boolean) => (binary ? respond(request, { ...rightAnswer, serializeType: "ROCKETMQ" }) : right)
  switch (answer.kind) {
    case "random":
      return closeAfter(socket, answer.bytes)
    case "framedRandom": {
      const head = Buffer.alloc(4)
      head.writeUInt32BE(answer.payload.length)
      return closeAfter(socket, Buffer.concat([head, answer.payload]))
    }
    case "truncated": {
      const full = rightIn(answer.binary)
      return closeAfter(socket, full.subarray(0, Math.min(answer.keep, full.length - 1)))
    }
    case "oversized": {
      const head = Buffer.alloc(4)
      head.writeUInt32BE(answer.length >>> 0)
      return closeAfter(socket, Buffer.concat([head, answer.tail]))
    }
    case "wrongOpaque": {
      const others = Array.from({ length: answer.count }, (_, i) =>
        frameBytes(makeResponse({ ...request, opaque: (request.opaque + answer.delta * (i + 1)) | 0 }, { code: 1, remark: "not yours" })))
      return void socket.write(Buffer.concat([...others, right]))
    }
    case "mutated": {
      const copy = Buffer.from(rightIn(answer.binary))
      for (const [position, byte] of answer.edits) if (position < copy.length) copy[position] = byte
      return closeAfter(socket, copy)
    }
    case "routeBody":
      return void socket.write(respond(request, { code: 0, body: Buffer.from(answer.body, "utf8") }))
    case "sendAnswer":
      return void socket.write(respond(request, { code: answer.code, remark: "hostile", extFields: answer.extFields }))
  }
}

/** Starts a hostile peer: requests of `hostileCode` get `peer.answer`, others SUCCESS. */
export const hostilePeer = (hostileCode: number, initial: HostileAnswer): Effect.Effect<HostilePeer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const state = { answer: initial }
    const raw = yield* rawPeer((socket) => {
      const decoder = new FrameDecoder()
      socket.on("data", (chunk: Buffer) => {
        const error = decoder.push(chunk, (request) => {
          if (isResponse(request) || isOneway(request) || socket.destroyed) return
          if (request.code === hostileCode) applyAnswer(socket, request, state.answer)
          else socket.write(respond(request, { code: 0 }))
        })
        if (error !== undefined) socket.destroy()
      })
    })
    return Object.assign(state, raw)
  })

// ---------------------------------------------------------------------------------------------
// Running one case
// ---------------------------------------------------------------------------------------------

/** What the client made of one case: `ok`, a typed error's tag, or a violation. */
export type Outcome = string

const outcomeOf = (exit: Exit.Exit<unknown, unknown>): Outcome => {
  const tag = failureTag(exit)
  return tag === "defect" || tag === "interrupt" || tag === "unknown" ? `VIOLATION ${tag}: ${String(exit).slice(0, 300)}` : tag === "success" ? "ok" : tag
}

/** The invariant after every case: the healthy peer's connection is still the first one and answers. */
const checkHealthy = (client: RemotingClient["Service"], healthy: RawPeer): Effect.Effect<Outcome | undefined> =>
  Effect.map(Effect.exit(client.invoke(healthy.address, makeRequest({ code: 26 }), { timeoutMillis: 3000 })), (exit) =>
    Exit.isFailure(exit)
      ? `VIOLATION healthy connection failed: ${String(exit).slice(0, 200)}`
      : healthy.accepted() !== 1
      ? `VIOLATION healthy connection was re-dialled (${healthy.accepted()} connections)`
      : undefined)

/** The request a frame-level case is an answer to. */
export const PROBE_CODE = 41

/** One frame-level case through the remoting client. */
export const runFrameCase = (
  client: RemotingClient["Service"],
  peer: HostilePeer,
  healthy: RawPeer,
  answer: HostileAnswer
): Effect.Effect<Outcome> =>
  Effect.gen(function*() {
    peer.answer = answer
    const exit = yield* Effect.exit(client.invoke(peer.address, makeRequest({ code: PROBE_CODE }), { timeoutMillis: 2000 }))
    return (yield* checkHealthy(client, healthy)) ?? outcomeOf(exit)
  })

/** One route case through the NameServer transport. */
export const runRouteCase = (
  transport: NameServerTransport["Service"],
  client: RemotingClient["Service"],
  peer: HostilePeer,
  healthy: RawPeer,
  answer: HostileAnswer
): Effect.Effect<Outcome> =>
  Effect.gen(function*() {
    peer.answer = answer
    const exit = yield* Effect.exit(transport.getRouteInfoByTopic("Hostile"))
    return (yield* checkHealthy(client, healthy)) ?? outcomeOf(exit)
  })

/** One send case through a producer whose only broker is the hostile peer. */
export const runSendCase = (
  send: (message: Message) => Effect.Effect<unknown, unknown>,
  client: RemotingClient["Service"],
  peer: HostilePeer,
  healthy: RawPeer,
  answer: HostileAnswer,
  message: Message
): Effect.Effect<Outcome> =>
  Effect.gen(function*() {
    peer.answer = answer
    const exit = yield* Effect.exit(send(message))
    return (yield* checkHealthy(client, healthy)) ?? outcomeOf(exit)
  })

/** The code of the requests a route case answers. */
export const ROUTE_CODE = RequestCode.GET_ROUTEINFO_BY_TOPIC

/** Counts of outcomes per case kind. */
export class OutcomeTable {
  readonly counts = new Map<string, Map<Outcome, number>>()
  total = 0

  add(kind: string, outcome: Outcome): void {
    const row = this.counts.get(kind) ?? new Map<Outcome, number>()
    row.set(outcome, (row.get(outcome) ?? 0) + 1)
    this.counts.set(kind, row)
    this.total++
  }

  get violations(): ReadonlyArray<string> {
    const found: Array<string> = []
    for (const [kind, row] of this.counts) {
      for (const [outcome, count] of row) if (outcome.startsWith("VIOLATION")) found.push(`${kind}: ${outcome} (×${count})`)
    }
    return found
  }

  /** One line per kind and outcome, sorted. */
  lines(): ReadonlyArray<string> {
    const lines: Array<string> = []
    for (const kind of [...this.counts.keys()].sort()) {
      const row = this.counts.get(kind) ?? new Map<Outcome, number>()
      for (const outcome of [...row.keys()].sort()) lines.push(`${kind.padEnd(22)} ${outcome.padEnd(28)} ${row.get(outcome)}`)
    }
    return lines
  }
}
