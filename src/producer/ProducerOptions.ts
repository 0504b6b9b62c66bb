/**
 * The producer's settings, with the Java `DefaultMQProducer` defaults (REMOTING.md §20) unless
 * noted.
 *
 * @since 0.1.0
 */
import { Config, Duration, Option, Redacted, Result, Schema } from "effect"
import type { Credentials } from "../protocol/AclSignature.ts"
import type { RouteLookupOptions } from "../route/RouteLookup.ts"
import { tlsSettingsOf } from "../transport/Tls.ts"
import type { TlsOption, TlsSettings } from "../transport/Tls.ts"
import type { SerializeType } from "../protocol/RemotingCommand.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import { defaultFaultStrategyOptions, validateFaultStrategyOptions } from "./FaultStrategy.ts"
import type { FaultStrategyOptions } from "./FaultStrategy.ts"
import { DEFAULT_MAX_MESSAGE_SIZE } from "../protocol/message/MessageLimits.ts"
import { validateProducerGroup } from "./MessageValidation.ts"

/**
 * What a producer can be told.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProducerOptions extends RouteLookupOptions {
  /** The NameServers: `"host:port;host:port"` or a list. */
  readonly nameServers: string | ReadonlyArray<string>
  /** The producer group; default `effect_rocketmq_producer` (Java rejects `DEFAULT_PRODUCER`). */
  readonly producerGroup?: string | undefined
  /** Instance name in the client id; default `<pid>#<random>`. */
  readonly instanceName?: string | undefined
  /** Budget of one send, route lookup and retries included; default 3000 ms. */
  readonly sendMsgTimeout?: Duration.Input | undefined
  /** Retries after a failed attempt of a sync send; default 2 (3 attempts). */
  readonly retryTimesWhenSendFailed?: number | undefined
  /**
   * Cap of each attempt but the last. Default: a fair share of what remains of the budget (the
   * remaining time divided by the attempts left), so a hung broker cannot eat the retries' time.
   * Java's `sendMsgMaxTimeoutPerRequest` (5.3.3+) does the same when set.
   */
  readonly attemptTimeout?: Duration.Input | undefined
  /** Retry a non-`SEND_OK` store status on another broker; default false. */
  readonly retryAnotherBrokerWhenNotStoreOK?: boolean | undefined
  /**
   * Broker response codes that retry on another broker. Default, as Java 5.3.1+: SYSTEM_ERROR,
   * SYSTEM_BUSY, SERVICE_NOT_AVAILABLE, NO_PERMISSION, TOPIC_NOT_EXIST, NO_BUYER_ID,
   * NOT_IN_CURRENT_UNIT, GO_AWAY.
   */
  readonly retryResponseCodes?: ReadonlyArray<number> | undefined
  /** Largest body (or encoded batch); default 4 MiB. */
  readonly maxMessageSize?: number | undefined
  /** Bodies of at least this many bytes are zlib-compressed; default 4096. */
  readonly compressMsgBodyOverHowmuch?: number | undefined
  /** zlib level; default 5. */
  readonly compressLevel?: number | undefined
  /** Latency fault tolerance; default on, with the 5.x tables (see `FaultStrategy`). */
  readonly faultStrategy?: FaultStrategyOptions | undefined
  /** Heartbeat period to the brokers in use; default 30 s. */
  readonly heartbeatBrokerInterval?: Duration.Input | undefined
  /** NameServer call budget (route queries); default 3000 ms (`mqClientApiTimeout`). */
  readonly nameServerTimeout?: Duration.Input | undefined
  /**
   * Header serialization of the requests to brokers: `"ROCKETMQ"` (the binary header, the default:
   * less CPU per send) or `"JSON"` (the Java client's default). Every Apache RocketMQ server reads
   * both; answers are read by their own type byte.
   */
  readonly serializeType?: SerializeType | undefined
  /** TCP connect timeout; default 3000 ms. */
  readonly connectTimeout?: Duration.Input | undefined
  /**
   * A span for each step of a send (`SendPipeline.prepare`, `SendPipeline.attempt`,
   * `SendPipeline.request`) under the operation's own span; default false, as each span costs
   * several microseconds per send (`npm run bench` measures it).
   */
  readonly stepSpans?: boolean | undefined
  /**
   * ACL credentials: every request to NameServers and brokers is signed with them (Java's
   * `AclClientRPCHook`). The secret key is `Redacted` and never leaves the process.
   */
  readonly credentials?: Credentials | undefined
  /**
   * Namespace (Java's `namespace`): topics and the producer group travel as `ns%name`, system
   * topics never; results name the topic as given.
   */
  readonly namespace?: string | undefined
  /** TLS to the brokers: off (default), on, or settings. */
  readonly tls?: TlsOption | undefined
  /** TLS to the NameServers: off (default), on, or settings. Java's `useTLS` is both on. */
  readonly nameServerTls?: TlsOption | undefined
}

/**
 * The producer group used when none is given.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultProducerGroup = "effect_rocketmq_producer"

/**
 * The default retryable broker response codes (Java 5.3.1+).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRetryResponseCodes: ReadonlyArray<number> = [
  ResponseCode.TOPIC_NOT_EXIST,
  ResponseCode.SERVICE_NOT_AVAILABLE,
  ResponseCode.SYSTEM_ERROR,
  ResponseCode.NO_PERMISSION,
  ResponseCode.NO_BUYER_ID,
  ResponseCode.NOT_IN_CURRENT_UNIT,
  ResponseCode.SYSTEM_BUSY,
  ResponseCode.GO_AWAY
]

/**
 * Settings with every default filled in, times in milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedProducerOptions {
  readonly nameServers: string | ReadonlyArray<string>
  readonly producerGroup: string
  /** `undefined`: the producer makes one up, `<pid>#<random>`. */
  readonly instanceName: string | undefined
  readonly sendMsgTimeoutMillis: number
  readonly retryTimesWhenSendFailed: number
  readonly attemptTimeoutMillis: number | undefined
  readonly retryAnotherBrokerWhenNotStoreOK: boolean
  readonly retryResponseCodes: ReadonlySet<number>
  readonly maxMessageSize: number
  readonly compressMsgBodyOverHowmuch: number
  readonly compressLevel: number
  readonly faultStrategy: FaultStrategyOptions
  readonly heartbeatBrokerIntervalMillis: number
  readonly nameServerTimeoutMillis: number
  readonly serializeType: SerializeType
  readonly connectTimeoutMillis: number
  readonly stepSpans: boolean
  readonly route: RouteLookupOptions
  readonly credentials: Credentials | undefined
  readonly namespace: string | undefined
  readonly tls: TlsSettings | undefined
  readonly nameServerTls: TlsSettings | undefined
}

/**
 * Settings that cannot work (a negative timeout, an invalid group…).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidProducerOptions extends Schema.TaggedError<InvalidProducerOptions>()("InvalidProducerOptions", {
  option: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `invalid producer option ${this.option}: ${this.detail}`
  }
}

const millis = (
  option: string,
  input: Duration.Input | undefined,
  fallback: number
): Result.Result<number, InvalidProducerOptions> => {
  if (input === undefined) return Result.succeed(fallback)
  // Duration reads NaN as zero: name the value actually given.
  const numbers = typeof input === "number" ? [input] : Array.isArray(input) ? input : []
  if (numbers.some(Number.isNaN)) {
    return Result.fail(new InvalidProducerOptions({ option, detail: `must be a positive finite duration, got ${String(input)} ms` }))
  }
  const duration = Duration.fromInput(input)
  if (duration._tag === "None") return Result.fail(new InvalidProducerOptions({ option, detail: "not a duration" }))
  const ms = Duration.toMillis(duration.value)
  return Number.isFinite(ms) && ms > 0
    ? Result.succeed(ms)
    : Result.fail(new InvalidProducerOptions({ option, detail: `must be a positive finite duration, got ${ms} ms` }))
}

const integer = (
  option: string,
  value: number | undefined,
  fallback: number,
  minimum: number,
  maximum: number
): Result.Result<number, InvalidProducerOptions> => {
  const n = value ?? fallback
  return Number.isInteger(n) && n >= minimum && n <= maximum
    ? Result.succeed(n)
    : Result.fail(new InvalidProducerOptions({ option, detail: `must be an integer in [${minimum}, ${maximum}], got ${n}` }))
}

/**
 * Fills in the defaults and checks every setting.
 *
 * @since 0.1.0
 * @category validation
 */
export const resolveProducerOptions = (
  options: ProducerOptions
): Result.Result<ResolvedProducerOptions, InvalidProducerOptions> =>
  Result.gen(function*() {
    const producerGroup = options.producerGroup ?? defaultProducerGroup
    yield* Result.mapError(
      validateProducerGroup(producerGroup),
      (error) => new InvalidProducerOptions({ option: "producerGroup", detail: error.detail })
    )
    const faultStrategy = yield* Result.mapError(
      validateFaultStrategyOptions(options.faultStrategy ?? defaultFaultStrategyOptions),
      (error) => new InvalidProducerOptions({ option: "faultStrategy", detail: error.message })
    )
    const credentials = yield* validateCredentials(options.credentials)
    const namespace = yield* validateNamespace(options.namespace)
    const attemptTimeoutMillis = options.attemptTimeout === undefined
      ? undefined
      : yield* millis("attemptTimeout", options.attemptTimeout, 0)
    return {
      nameServers: options.nameServers,
      producerGroup,
      instanceName: options.instanceName,
      sendMsgTimeoutMillis: yield* millis("sendMsgTimeout", options.sendMsgTimeout, 3000),
      retryTimesWhenSendFailed: yield* integer("retryTimesWhenSendFailed", options.retryTimesWhenSendFailed, 2, 0, 100),
      attemptTimeoutMillis,
      retryAnotherBrokerWhenNotStoreOK: options.retryAnotherBrokerWhenNotStoreOK ?? false,
      retryResponseCodes: new Set(options.retryResponseCodes ?? defaultRetryResponseCodes),
      maxMessageSize: yield* integer("maxMessageSize", options.maxMessageSize, DEFAULT_MAX_MESSAGE_SIZE, 1, 16 * 1024 * 1024 - 64 * 1024),
      compressMsgBodyOverHowmuch: yield* integer("compressMsgBodyOverHowmuch", options.compressMsgBodyOverHowmuch, 4096, 1, Number.MAX_SAFE_INTEGER),
      compressLevel: yield* integer("compressLevel", options.compressLevel, 5, 0, 9),
      faultStrategy,
      heartbeatBrokerIntervalMillis: yield* millis("heartbeatBrokerInterval", options.heartbeatBrokerInterval, 30_000),
      nameServerTimeoutMillis: yield* millis("nameServerTimeout", options.nameServerTimeout, 3000),
      serializeType: options.serializeType ?? "ROCKETMQ",
      connectTimeoutMillis: yield* millis("connectTimeout", options.connectTimeout, 3000),
      stepSpans: options.stepSpans ?? false,
      route: {
        autoCreateTopic: options.autoCreateTopic,
        defaultTopic: options.defaultTopic,
        defaultTopicQueueNums: options.defaultTopicQueueNums,
        pollNameServerInterval: options.pollNameServerInterval
      },
      credentials,
      namespace,
      tls: tlsSettingsOf(options.tls),
      nameServerTls: tlsSettingsOf(options.nameServerTls)
    }
  })

const validateCredentials = (
  credentials: Credentials | undefined
): Result.Result<Credentials | undefined, InvalidProducerOptions> => {
  if (credentials === undefined) return Result.succeed(undefined)
  if (credentials.accessKey.length === 0) {
    return Result.fail(new InvalidProducerOptions({ option: "credentials", detail: "the access key is empty (credentials.accessKey, or ROCKETMQ_ACCESS_KEY)" }))
  }
  if (Redacted.value(credentials.secretKey).length === 0) {
    return Result.fail(new InvalidProducerOptions({ option: "credentials", detail: `the secret key of access key "${credentials.accessKey}" is empty (credentials.secretKey, or ROCKETMQ_SECRET_KEY)` }))
  }
  return Result.succeed(credentials)
}

const validateNamespace = (namespace: string | undefined): Result.Result<string | undefined, InvalidProducerOptions> =>
  namespace === undefined || namespace === ""
    ? Result.succeed(undefined)
    : /^[a-zA-Z0-9_-]{1,64}$/.test(namespace)
    ? Result.succeed(namespace)
    : Result.fail(new InvalidProducerOptions({
      option: "namespace",
      detail: `"${namespace}" is not a namespace: use 1 to 64 letters, digits, "_" or "-"`
    }))

/**
 * ACL credentials from configuration: `ROCKETMQ_ACCESS_KEY`, `ROCKETMQ_SECRET_KEY` (read as
 * `Redacted`) and `ROCKETMQ_SECURITY_TOKEN` (optional). None set: no credentials. One of the
 * keys without the other is caught when the options are resolved.
 *
 * @since 0.1.0
 */
export const credentialsConfig: Config.Config<Credentials | undefined> = Config.all({
  accessKey: Config.option(Config.String("ROCKETMQ_ACCESS_KEY")),
  secretKey: Config.option(Config.Redacted("ROCKETMQ_SECRET_KEY")),
  securityToken: Config.option(Config.Redacted("ROCKETMQ_SECURITY_TOKEN"))
}).pipe(Config.map(({ accessKey, secretKey, securityToken }) =>
  Option.isNone(accessKey) && Option.isNone(secretKey) ? undefined : {
    accessKey: Option.getOrElse(accessKey, () => ""),
    secretKey: Option.getOrElse(secretKey, () => Redacted.make("")),
    securityToken: Option.getOrUndefined(securityToken)
  }
))
