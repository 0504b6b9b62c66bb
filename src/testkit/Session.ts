/**
 * One client connection of a testkit server, as its handlers and control hooks see it.
 *
 * @since 0.1.0
 */
import type { RemotingCommand } from "../protocol/RemotingCommand.ts"

/**
 * One client connection.
 *
 * @since 0.1.0
 * @category models
 */
export interface Session {
  /** The client's `ip:port`. */
  readonly remoteAddress: string
  /** Sends a request to the client (as a broker sends CHECK_TRANSACTION_STATE). */
  readonly push: (command: RemotingCommand) => void
}
