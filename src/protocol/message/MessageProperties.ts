/**
 * The properties string of a message (REMOTING.md §12.1): `name \u0001 value` pairs separated by
 * `\u0002`, as Java's `MessageDecoder.messageProperties2String` / `string2messageProperties` write and
 * read it, and the mapping from a `Message` to its properties.
 *
 * @since 0.1.0
 */
import { setOwn } from "../StringMap.ts"
import type { Message } from "./Message.ts"
import {
  DELAY,
  KEY_SEPARATOR,
  KEYS,
  NAME_VALUE_SEPARATOR,
  PROPERTY_SEPARATOR,
  TAGS,
  TIMER_DELAY_MS,
  TIMER_DELAY_SEC,
  TIMER_DELIVER_MS,
  WAIT
} from "./MessageConst.ts"

/**
 * Encodes properties in the form Java 4.9.1 through 5.1.4 writes: pairs joined by `\u0002`, no
 * separator after the last one. Properties whose value is `undefined` are skipped (Java skips
 * `null` values). Every Java version decodes this form.
 *
 * Names and values are written as they are: a name or value holding `\u0001` or `\u0002`, an empty
 * name or an empty value does not survive decoding (`validateMessage` rejects them).
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeProperties = (properties: { readonly [name: string]: string | undefined }): string => {
  let text = ""
  let first = true
  for (const name of Object.keys(properties)) {
    const value = properties[name]
    if (value === undefined) continue
    text = first ? name + NAME_VALUE_SEPARATOR + value : text + PROPERTY_SEPARATOR + name + NAME_VALUE_SEPARATOR + value
    first = false
  }
  return text
}

/**
 * Decodes a properties string with Java's rules (`MessageDecoder.string2messageProperties`), so it
 * accepts the forms of every version, with or without a trailing `\u0002`:
 *
 * - the text is split on `\u0002`;
 * - a segment shorter than 3 characters is ignored;
 * - a segment is a pair only if its first `\u0001` is neither its first nor its last character
 *   (name and value non-empty); other segments are ignored;
 * - the value runs to the end of the segment (it may hold further `\u0001`); a later pair with the
 *   same name wins.
 *
 * Names such as `__proto__` become own properties of the result. Runs in linear time.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeProperties = (text: string): Record<string, string> => {
  const properties: Record<string, string> = {}
  const length = text.length
  let index = 0
  // Position of the first name/value separator at or after `index` (Java searches from the segment
  // start without bound; caching the position keeps that linear).
  let separator = -2
  while (index < length) {
    let end = text.indexOf(PROPERTY_SEPARATOR, index)
    if (end < 0) end = length
    if (end - index >= 3) {
      if (separator !== -1 && separator < index) separator = text.indexOf(NAME_VALUE_SEPARATOR, index)
      if (separator > index && separator < end - 1) {
        setOwn(properties, text.substring(index, separator), text.substring(separator + 1, end))
      }
    }
    index = end + 1
  }
  return properties
}

/**
 * The properties a message travels with, before the producer adds its own (`UNIQ_KEY`, and
 * `INSTANCE_ID`, `TRAN_MSG`, `PGROUP` when they apply):
 *
 * - `WAIT`: always, `"true"` unless `waitStoreMsgOK` is `false` (Java's constructors always set it);
 * - `KEYS`: the keys joined by a space, when there is at least one;
 * - `TAGS`: when the tag is not empty (Java's constructors skip an empty tag);
 * - `DELAY`: when `delayTimeLevel` is above 0;
 * - `TIMER_DELIVER_MS`, `TIMER_DELAY_SEC`, `TIMER_DELAY_MS`: when `deliverTimeMs`, `delayTimeSec`,
 *   `delayTimeMs` are set;
 * - then the user properties.
 *
 * @since 0.1.0
 * @category encoding
 */
export const messageProperties = (message: Message): Record<string, string> => {
  const properties: Record<string, string> = {}
  properties[WAIT] = message.waitStoreMsgOK === false ? "false" : "true"
  if (message.keys !== undefined && message.keys.length > 0) properties[KEYS] = message.keys.join(KEY_SEPARATOR)
  if (message.tags !== undefined && message.tags.length > 0) properties[TAGS] = message.tags
  if (message.delayTimeLevel !== undefined && message.delayTimeLevel > 0) {
    properties[DELAY] = String(message.delayTimeLevel)
  }
  if (message.deliverTimeMs !== undefined) properties[TIMER_DELIVER_MS] = String(message.deliverTimeMs)
  if (message.delayTimeSec !== undefined) properties[TIMER_DELAY_SEC] = String(message.delayTimeSec)
  if (message.delayTimeMs !== undefined) properties[TIMER_DELAY_MS] = String(message.delayTimeMs)
  if (message.properties !== undefined) {
    for (const name of Object.keys(message.properties)) {
      const value = message.properties[name]
      if (value !== undefined) setOwn(properties, name, value)
    }
  }
  return properties
}

/**
 * `encodeProperties(messageProperties(message))` followed by `extra` (the properties the producer
 * adds, such as `UNIQ_KEY`), built in one pass without the intermediate map. `extra` entries whose
 * value is `undefined` are skipped.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeMessageProperties = (
  message: Message,
  extra?: { readonly [name: string]: string | undefined }
): string => {
  let text = WAIT + NAME_VALUE_SEPARATOR + (message.waitStoreMsgOK === false ? "false" : "true")
  if (message.keys !== undefined && message.keys.length > 0) {
    text = appendProperty(text, KEYS, message.keys.join(KEY_SEPARATOR))
  }
  if (message.tags !== undefined && message.tags.length > 0) {
    text = appendProperty(text, TAGS, message.tags)
  }
  if (message.delayTimeLevel !== undefined && message.delayTimeLevel > 0) {
    text = appendProperty(text, DELAY, String(message.delayTimeLevel))
  }
  if (message.deliverTimeMs !== undefined) {
    text = appendProperty(text, TIMER_DELIVER_MS, String(message.deliverTimeMs))
  }
  if (message.delayTimeSec !== undefined) {
    text = appendProperty(text, TIMER_DELAY_SEC, String(message.delayTimeSec))
  }
  if (message.delayTimeMs !== undefined) {
    text = appendProperty(text, TIMER_DELAY_MS, String(message.delayTimeMs))
  }
  if (message.properties !== undefined) text = appendProperties(text, message.properties)
  if (extra !== undefined) text = appendProperties(text, extra)
  return text
}

/**
 * `text` (encoded properties) followed by one more property.
 *
 * @since 0.1.0
 * @category encoding
 */
export const appendProperty = (text: string, name: string, value: string): string =>
  text + PROPERTY_SEPARATOR + name + NAME_VALUE_SEPARATOR + value

/**
 * `text` (encoded properties) followed by `properties`, in their order; entries whose value is
 * `undefined` are skipped.
 *
 * @since 0.1.0
 * @category encoding
 */
export const appendProperties = (text: string, properties: { readonly [name: string]: string | undefined }): string => {
  for (const name of Object.keys(properties)) {
    const value = properties[name]
    if (value !== undefined) text = appendProperty(text, name, value)
  }
  return text
}
