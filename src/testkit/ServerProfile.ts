/**
 * The real server lines the testkit imitates, and what differs between them on the wire: answer
 * version, the codes of some refusals, FAQ links in remarks, the order of response extFields.
 *
 * @since 0.1.0
 */
import { ResponseCode } from "../protocol/ResponseCode.ts"

/**
 * Which real server line the testkit imitates: answer version, 5.x-only fields, remark wording.
 *
 * @since 0.1.0
 * @category models
 */
export type ServerProfile = "4.9.8" | "5.3.3"

/**
 * What a profile changes in the answers.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProfileTraits {
  /** The `version` of answers and of the broker's own requests. */
  readonly version: number
  /** Capacity of the `HashMap` holding a response's extFields: it decides their order on the wire. */
  readonly extFieldsCapacity: number
  /** The code of a bad topic name or queue id: INVALID_PARAMETER since 5.3.2, SYSTEM_ERROR before. */
  readonly invalidParameter: number
  /** The FAQ link at the end of some remarks. */
  readonly faqUrl: string
  /** 5.x: `transactionId` in a send answer, a UNIQ_KEY made for messages without one, `enableActingMaster`. */
  readonly v5: boolean
  /**
   * The header serialization of answers: 4.9.4–4.9.8 answer in the request's (`undefined`), 5.x
   * in the server's own default, JSON, whatever the request used (REMOTING.md §3.5).
   */
  readonly answerSerializeType: "JSON" | undefined
}

/**
 * The traits of each profile.
 *
 * @since 0.1.0
 * @category constants
 */
export const profileTraits: Record<ServerProfile, ProfileTraits> = {
  "4.9.8": {
    version: 409,
    extFieldsCapacity: 16,
    invalidParameter: ResponseCode.SYSTEM_ERROR,
    faqUrl: "http://rocketmq.apache.org/docs/faq/",
    v5: false,
    answerSerializeType: undefined
  },
  "5.3.3": {
    version: 479,
    extFieldsCapacity: 256,
    invalidParameter: ResponseCode.INVALID_PARAMETER,
    faqUrl: "https://rocketmq.apache.org/docs/bestPractice/06FAQ",
    v5: true,
    answerSerializeType: "JSON"
  }
}
