/**
 * What the testkit NameServer's handlers work on: its profile and its tables.
 *
 * @since 0.1.0
 */
import type { ServerProfile } from "../ServerProfile.ts"
import type { Session } from "../Session.ts"
import type { NameServerState } from "./NameServerState.ts"

/**
 * The NameServer's state, shared by its handlers. Handlers replace `state` with the next tables.
 *
 * @since 0.1.0
 * @category models
 */
export interface NameServerContext {
  readonly profile: ServerProfile
  /** The current tables. */
  state: NameServerState
  /** Brokers registered over each connection, removed when it closes (Java `onChannelDestroy`). */
  readonly registeredBy: Map<Session, Set<string>>
}
