/**
 * Writes JSON the way a RocketMQ server's fastjson does, so the testkit servers answer byte for byte
 * like real ones (REMOTING.md §8.3):
 *
 * - object keys in sorted order (fastjson sorts bean fields; standard mode also sorts map entries);
 * - `"legacy"` style: maps keyed by Java integers/longs have bare keys (`{0:"…"}`), non-ASCII is
 *   written as is;
 * - `"standard"` style: every key quoted, non-ASCII escaped as `\uXXXX` (fastjson `BrowserCompatible`).
 *
 * @since 0.1.0
 */

/**
 * Which of fastjson's two outputs to write.
 *
 * @since 0.1.0
 * @category models
 */
export type FastjsonStyle = "standard" | "legacy"

/**
 * A map whose keys are Java integers: written with bare keys in the legacy style.
 *
 * @since 0.1.0
 * @category models
 */
export class IntegerKeyedMap {
  readonly entries: Readonly<Record<string, FastjsonValue>>
  constructor(entries: Readonly<Record<string, FastjsonValue>>) {
    this.entries = entries
  }
}

/**
 * A value the writer can write.
 *
 * @since 0.1.0
 * @category models
 */
export type FastjsonValue =
  | string
  | number
  | boolean
  | null
  | ReadonlyArray<FastjsonValue>
  | IntegerKeyedMap
  | { readonly [key: string]: FastjsonValue | undefined }

/**
 * The JSON text of `value` in the given style. Object entries whose value is `undefined` are
 * omitted, as fastjson omits null fields.
 *
 * @since 0.1.0
 * @category encoding
 */
export const writeFastjson = (value: FastjsonValue, style: FastjsonStyle): string => {
  const text = write(value, style)
  return style === "standard" ? escapeNonAscii(text) : text
}

const write = (value: FastjsonValue, style: FastjsonStyle): string => {
  if (value === null) return "null"
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map((item: FastjsonValue) => write(item, style)).join(",")}]`
  if (value instanceof IntegerKeyedMap) {
    const keys = Object.keys(value.entries).sort((a, b) => Number(a) - Number(b))
    const bare = style === "legacy"
    return `{${
      keys.map((key) => `${bare ? key : JSON.stringify(key)}:${write(value.entries[key] ?? null, style)}`).join(",")
    }}`
  }
  const entries = Object.entries(value).filter((entry): entry is [string, FastjsonValue] => entry[1] !== undefined)
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${write(item, style)}`).join(",")}}`
}

const escapeNonAscii = (text: string): string =>
  text.replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`)
