/**
 * ali-ons 3.12 (a devDependency, loaded only by the benchmarks), typed as far as they use it.
 *
 * @since 0.1.0
 */
import type { Buffer } from "node:buffer"
import { createRequire } from "node:module"

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
