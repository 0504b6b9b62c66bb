/**
 * Counts written as words: `1 message`, `2 messages`, `1 hit`, `0 misses`.
 *
 * @since 0.1.0
 */

/**
 * `count` followed by the noun, singular for exactly one, else the plural (default: noun + "s").
 *
 * @since 0.1.0
 * @category formatting
 */
export const plural = (count: number, noun: string, pluralNoun: string = `${noun}s`): string =>
  `${count} ${count === 1 ? noun : pluralNoun}`
