/**
 * Namespaces, as Java's `NamespaceUtil` applies them (REMOTING.md §18): with namespace `ns`, a
 * topic or group `r` travels as `ns%r`; retry and DLQ names keep their prefix in front
 * (`%RETRY%ns%g`); system topics and groups are never wrapped; a name already wrapped is left
 * alone. Results are unwrapped on the way back.
 *
 * @since 0.1.0
 */
import { isSystemTopic } from "./TopicValidator.ts"

/**
 * The separator between namespace and resource.
 *
 * @since 0.1.0
 * @category constants
 */
export const NAMESPACE_SEPARATOR = "%"

/**
 * Prefix of retry topics (`MixAll.RETRY_GROUP_TOPIC_PREFIX`).
 *
 * @since 0.1.0
 * @category constants
 */
export const RETRY_PREFIX = "%RETRY%"

/**
 * Prefix of dead-letter topics (`MixAll.DLQ_GROUP_TOPIC_PREFIX`).
 *
 * @since 0.1.0
 * @category constants
 */
export const DLQ_PREFIX = "%DLQ%"

/**
 * `true` for a system topic or group, which no namespace applies to: system topics
 * (`TopicValidator.isSystemTopic`) and groups starting `CID_RMQ_SYS_` (`MixAll.isSysConsumerGroup`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isSystemResource = (resource: string): boolean =>
  resource.length > 0 &&
  (isSystemTopic(resource) || resource.startsWith("CID_RMQ_SYS_"))

const withoutRetryAndDlq = (resource: string): string =>
  resource.startsWith(RETRY_PREFIX)
    ? resource.slice(RETRY_PREFIX.length)
    : resource.startsWith(DLQ_PREFIX)
    ? resource.slice(DLQ_PREFIX.length)
    : resource

const prefixOf = (resource: string): string =>
  resource.startsWith(RETRY_PREFIX) ? RETRY_PREFIX : resource.startsWith(DLQ_PREFIX) ? DLQ_PREFIX : ""

/**
 * `true` when `resource` already carries `namespace` (`NamespaceUtil.isAlreadyWithNamespace`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isAlreadyWithNamespace = (resource: string, namespace: string): boolean =>
  namespace.length > 0 && resource.length > 0 && !isSystemResource(resource) &&
  withoutRetryAndDlq(resource).startsWith(namespace + NAMESPACE_SEPARATOR)

/**
 * The name a resource travels under (`NamespaceUtil.wrapNamespace`); unchanged without a namespace.
 *
 * @since 0.1.0
 * @category utils
 */
export const wrapNamespace = (namespace: string | undefined, resource: string): string => {
  if (namespace === undefined || namespace.length === 0 || resource.length === 0) return resource
  if (isSystemResource(resource) || isAlreadyWithNamespace(resource, namespace)) return resource
  return prefixOf(resource) + namespace + NAMESPACE_SEPARATOR + withoutRetryAndDlq(resource)
}

/**
 * The name a user knows a wrapped resource by (`NamespaceUtil.withoutNamespace`); names that do
 * not carry `namespace` are returned unchanged.
 *
 * @since 0.1.0
 * @category utils
 */
export const withoutNamespace = (namespace: string | undefined, resource: string): string => {
  if (namespace === undefined || namespace.length === 0 || !isAlreadyWithNamespace(resource, namespace)) return resource
  return prefixOf(resource) + withoutRetryAndDlq(resource).slice(namespace.length + NAMESPACE_SEPARATOR.length)
}
