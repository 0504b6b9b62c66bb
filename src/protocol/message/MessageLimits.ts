/**
 * Size limits of a message on the wire and in the broker's store (REMOTING.md §12.1, §12.5).
 *
 * @since 0.1.0
 */

/**
 * Default largest body: 4 MiB (`DefaultMQProducer.maxMessageSize`, and the broker's default).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024

/**
 * Largest properties string the wire allows: `Short.MAX_VALUE` bytes (the broker checks the header's
 * characters and the stored UTF-8 bytes; bytes are the stricter).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_PROPERTIES_BYTES = 32767
