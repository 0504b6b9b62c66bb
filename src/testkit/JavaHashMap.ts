/**
 * The iteration order of a Java `HashMap<String, String>`: Java servers write a response's
 * extFields in it, so the testkit does too, byte for byte.
 *
 * @since 0.1.0
 */
import type { ExtFields } from "../protocol/RemotingCommand.ts"
import { setOwn } from "../protocol/StringMap.ts"

/**
 * Java's `String.hashCode`.
 *
 * @since 0.1.0
 * @category hashing
 */
export const javaStringHash = (text: string): number => {
  let hash = 0
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0
  return hash
}

/**
 * The entries in the order a Java `HashMap` of `initialCapacity` iterates them after they were put
 * in this order: by bucket (`(h ^ h >>> 16) & (capacity - 1)`, the table doubling past a 0.75 load),
 * then by insertion within a bucket.
 *
 * @since 0.1.0
 * @category constructors
 */
export const javaHashMapOrder = (entries: ReadonlyArray<readonly [string, string]>, initialCapacity: number): ExtFields => {
  const values = new Map<string, string>()
  for (const [key, value] of entries) values.set(key, value)
  let capacity = initialCapacity
  while (values.size > capacity * 0.75) capacity *= 2
  const bucketOf = (key: string) => {
    const hash = javaStringHash(key)
    return (hash ^ (hash >>> 16)) & (capacity - 1)
  }
  const ordered = [...values.keys()]
    .map((key, index) => ({ key, index, bucket: bucketOf(key) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
  const fields: Record<string, string> = {}
  for (const { key } of ordered) setOwn(fields, key, values.get(key) ?? "")
  return fields
}
