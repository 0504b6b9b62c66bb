/**
 * String-to-string maps as plain records (a header's `extFields`, a message's properties; Java's
 * `HashMap<String, String>`), written so that any name is safe as a key.
 *
 * @since 0.1.0
 */

/**
 * Sets `record[key] = value` as an own, enumerable property even for keys such as `__proto__`, which
 * plain assignment would turn into a prototype change.
 *
 * @since 0.1.0
 * @category utils
 */
export const setOwn = (record: Record<string, string>, key: string, value: string): void => {
  if (key === "__proto__") {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    record[key] = value
  }
}
