/**
 * What the testkit broker's handlers work on: its settings, its store and its client table.
 *
 * @since 0.1.0
 */
import type { TopicConfig } from "../../protocol/BrokerRegistration.ts"
import type { ExtFields } from "../../protocol/RemotingCommand.ts"
import type { ProfileTraits, ServerProfile } from "../ServerProfile.ts"
import type { Session } from "../Session.ts"
import type { BrokerStore } from "./BrokerStore.ts"

/**
 * The broker's state and settings, shared by its handlers.
 *
 * @since 0.1.0
 * @category models
 */
export interface BrokerContext {
  readonly brokerName: string
  readonly profile: ServerProfile
  readonly traits: ProfileTraits
  /** Host TBW102 and create unknown topics from it. */
  readonly autoCreateTopicEnable: boolean
  /** Largest body (or batch body) accepted, in bytes. */
  readonly maxMessageSize: number
  /** Answer NO_PERMISSION to a send to a topic without PERM_WRITE. */
  readonly checkTopicWritePermission: boolean
  /** `MSG_REGION` and `TRACE_ON`, first in every send answer. */
  readonly responseDefaults: ReadonlyArray<readonly [string, string]>
  /** The extFields of a refused send. */
  readonly errorFields: ExtFields
  /** The current time, ms since the epoch, on the Effect clock of the broker's scope. */
  readonly now: () => number
  /** A new client id for a message that has none (5.x). */
  readonly nextUniqueId: () => string
  /** The store, once the server listens (it needs the port); requests cannot arrive before. */
  readonly store: () => BrokerStore | undefined
  /** Puts a topic's config in the store and asks for a re-registration with the NameServers. */
  readonly putTopic: (store: BrokerStore, config: TopicConfig) => TopicConfig
  /** Producer group → connection → client id (Java `ProducerManager`, keyed by channel). */
  readonly producerTable: Map<string, Map<Session, string>>
}
