/**
 * Queue permission bits of a topic on a broker (Java `PermName`, REMOTING.md §8.5).
 *
 * @since 0.1.0
 */

/**
 * Template topic: new topics inherit its config (TBW102 has it when auto-create is on).
 *
 * @since 0.1.0
 * @category constants
 */
export const PERM_INHERIT = 1

/**
 * Producers may write.
 *
 * @since 0.1.0
 * @category constants
 */
export const PERM_WRITE = 2

/**
 * Consumers may read.
 *
 * @since 0.1.0
 * @category constants
 */
export const PERM_READ = 4

/**
 * Priority flag.
 *
 * @since 0.1.0
 * @category constants
 */
export const PERM_PRIORITY = 8

/**
 * `true` when `perm` lets producers write.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isWriteable = (perm: number): boolean => (perm & PERM_WRITE) === PERM_WRITE

/**
 * `true` when `perm` lets consumers read.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isReadable = (perm: number): boolean => (perm & PERM_READ) === PERM_READ

/**
 * `perm` as Java's `PermName.perm2String` shows it, e.g. `RW-` or `RWX` (X = inherit).
 *
 * @since 0.1.0
 * @category formatting
 */
export const permToString = (perm: number): string =>
  `${isReadable(perm) ? "R" : "-"}${isWriteable(perm) ? "W" : "-"}${(perm & PERM_INHERIT) !== 0 ? "X" : "-"}`
