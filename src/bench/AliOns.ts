/**
 * ali-ons 3.12 (a devDependency, loaded only by the benchmarks), typed as far as they use it.
 *
 * @since 0.1.0
 */
import type { Buffer } from "node:buffer"
import { createRequire } from "node:module"
import type { PromiseSender } from "./PromiseDriver.ts"

/**
 * ali-ons's `RemotingCommand`: its codec.
 *
 * @since 0.1.0
 */
export interface AliOnsCommand {
  body: Buffer | null | undefined
  readonly opaque: number
  encode(): Buffer
}

/**
 * @since 0.1.0
 */
export interface AliOnsCommandClass {
  new(options: { code: number; customHeader?: Record<string, unknown>; extFields?: Record<string, string> }): AliOnsCommand
  decode(packet: Buffer): AliOnsCommand
}

/**
 * @since 0.1.0
 */
export interface AliOnsProducer {
  ready(): Promise<void>
  send(message: unknown): Promise<{ readonly sendStatus: string }>
  close(): Promise<void>
}

/**
 * @since 0.1.0
 */
export interface AliOnsModule {
  readonly Producer: new(options: Record<string, unknown>) => AliOnsProducer
  readonly Message: new(topic: string, tags: string, body: Buffer) => object
}

const require = createRequire(import.meta.url)

/**
 * The package's main module: `Producer` and `Message`.
 *
 * @since 0.1.0
 */
export const loadAliOns = (): AliOnsModule => require("ali-ons")

/**
 * ali-ons's `RemotingCommand` class.
 *
 * @since 0.1.0
 */
export const loadAliOnsCommand = (): AliOnsCommandClass => require("ali-ons/lib/protocol/command/remoting_command.js")

/**
 * The `JSON2` parser ali-ons uses for NameServer bodies (fastjson's integer keys).
 *
 * @since 0.1.0
 */
export const loadJson2 = (): { parse(text: string): unknown } => require("JSON2")

/**
 * The installed version of ali-ons.
 *
 * @since 0.1.0
 */
export const aliOnsVersion = (): string => {
  const manifest: { version?: unknown } = require("ali-ons/package.json")
  return String(manifest.version)
}

/**
 * An ali-ons producer of `producerGroup` on `namesrv`, ready, sending `body` to `topic` (its logger
 * silenced); a send that is not `SEND_OK` fails.
 *
 * @since 0.1.0
 */
export const connectAliOnsSender = async (
  namesrv: string,
  producerGroup: string,
  topic: string,
  body: Buffer
): Promise<PromiseSender> => {
  const { Producer, Message } = loadAliOns()
  const silent = { info() {}, warn() {}, error() {}, debug() {} }
  const producer = new Producer({ nameSrv: namesrv, producerGroup, httpclient: {}, logger: silent })
  await producer.ready()
  return {
    send: async () => {
      const result = await producer.send(new Message(topic, "", body))
      if (result.sendStatus !== "SEND_OK") throw new Error(result.sendStatus)
    },
    close: () => producer.close()
  }
}
