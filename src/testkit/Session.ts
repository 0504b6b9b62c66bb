/**
 * One client connection of a testkit server, as its handlers and control hooks see it.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
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
  /**
   * Sends a two-way request to the client (as a broker sends PUSH_REPLY_MESSAGE_TO_CLIENT) and
   * waits for its answer: `undefined` when none came within `timeoutMillis` or the connection closed.
   */
  readonly call: (command: RemotingCommand, timeoutMillis: number) => Effect.Effect<RemotingCommand | undefined>
}
