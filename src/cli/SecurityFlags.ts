/**
 * The flags every command that talks to a cluster takes to reach a secured one: ACL credentials
 * (`--access-key`, `--secret-key`, else `ROCKETMQ_ACCESS_KEY` / `ROCKETMQ_SECRET_KEY` /
 * `ROCKETMQ_SECURITY_TOKEN`), `--namespace`, and TLS (`--tls` to brokers, `--namesrv-tls` to
 * NameServers, `--tls-ca`, `--tls-cert`, `--tls-key`, `--tls-servername`, `--tls-insecure`).
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { Config, Effect, Option, Redacted, Schema } from "effect"
import { Flag } from "effect/cli"
import type { Credentials } from "../protocol/AclSignature.ts"
import type { ClientSecurity } from "../transport/ClientSecurity.ts"
import type { TlsSettings } from "../transport/Tls.ts"

/**
 * Security flags that cannot work together (a secret without a key, a TLS file without TLS, an
 * unreadable file…).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidSecurityFlags extends Schema.TaggedError<InvalidSecurityFlags>()("InvalidSecurityFlags", {
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}

const optionalConfig = <A>(config: Config.Config<A>) => config.pipe(Config.option)

/**
 * The security flags, to spread into a command's flags.
 *
 * @since 0.1.0
 * @category flags
 */
export const securityFlags = {
  accessKey: Flag.String("access-key").pipe(
    Flag.withDescription("ACL access key (default: $ROCKETMQ_ACCESS_KEY)"),
    Flag.optional
  ),
  secretKey: Flag.Redacted("secret-key").pipe(
    Flag.withDescription("ACL secret key (default: $ROCKETMQ_SECRET_KEY; the environment keeps it out of shell history and ps)"),
    Flag.optional
  ),
  namespace: Flag.String("namespace").pipe(
    Flag.withDescription("Namespace: topics and groups travel as namespace%name (default: $ROCKETMQ_NAMESPACE)"),
    Flag.optional
  ),
  tls: Flag.Boolean("tls").pipe(Flag.withDescription("Use TLS to the brokers"), Flag.withDefault(false)),
  namesrvTls: Flag.Boolean("namesrv-tls").pipe(Flag.withDescription("Use TLS to the NameServers"), Flag.withDefault(false)),
  tlsCa: Flag.String("tls-ca").pipe(Flag.withDescription("PEM file of the CA(s) to trust for TLS"), Flag.optional),
  tlsCert: Flag.String("tls-cert").pipe(Flag.withDescription("PEM file of the client certificate (mutual TLS)"), Flag.optional),
  tlsKey: Flag.String("tls-key").pipe(Flag.withDescription("PEM file of the client certificate's private key"), Flag.optional),
  tlsServername: Flag.String("tls-servername").pipe(
    Flag.withDescription("Name the servers' certificates must carry (default: the host of each address)"),
    Flag.optional
  ),
  tlsInsecure: Flag.Boolean("tls-insecure").pipe(
    Flag.withDescription("Accept any server certificate (test setups only: encrypted, not authenticated)"),
    Flag.withDefault(false)
  )
}

/**
 * The parsed security flags.
 *
 * @since 0.1.0
 * @category models
 */
export interface SecurityFlagValues {
  readonly accessKey: Option.Option<string>
  readonly secretKey: Option.Option<Redacted.Redacted<string>>
  readonly namespace: Option.Option<string>
  readonly tls: boolean
  readonly namesrvTls: boolean
  readonly tlsCa: Option.Option<string>
  readonly tlsCert: Option.Option<string>
  readonly tlsKey: Option.Option<string>
  readonly tlsServername: Option.Option<string>
  readonly tlsInsecure: boolean
}

/**
 * What the security flags resolve to: the client's security and the namespace.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedSecurity extends ClientSecurity {
  readonly namespace: string | undefined
}

const readPem = (flag: string, path: string): Effect.Effect<string, InvalidSecurityFlags> =>
  Effect.try({
    try: () => readFileSync(path, "utf8"),
    catch: (cause) =>
      new InvalidSecurityFlags({ detail: `${flag} ${path}: ${cause instanceof Error ? cause.message : String(cause)}` })
  })

/**
 * Resolves the flags, with the environment for what they leave out, and reads the TLS files.
 *
 * @since 0.1.0
 * @category utils
 */
export const resolveSecurity = (flags: SecurityFlagValues): Effect.Effect<ResolvedSecurity, InvalidSecurityFlags> =>
  Effect.gen(function*() {
    const invalid = (detail: string) => Effect.fail(new InvalidSecurityFlags({ detail }))
    const env = yield* Effect.orElseSucceed(
      Config.all({
        accessKey: optionalConfig(Config.String("ROCKETMQ_ACCESS_KEY")),
        secretKey: optionalConfig(Config.Redacted("ROCKETMQ_SECRET_KEY")),
        securityToken: optionalConfig(Config.Redacted("ROCKETMQ_SECURITY_TOKEN")),
        namespace: optionalConfig(Config.String("ROCKETMQ_NAMESPACE"))
      }),
      () => ({ accessKey: Option.none(), secretKey: Option.none(), securityToken: Option.none(), namespace: Option.none() })
    )
    const accessKey = Option.orElse(flags.accessKey, () => env.accessKey)
    const secretKey = Option.orElse(flags.secretKey, () => env.secretKey)
    let credentials: Credentials | undefined
    if (Option.isSome(accessKey) && Option.isSome(secretKey)) {
      credentials = { accessKey: accessKey.value, secretKey: secretKey.value, securityToken: Option.getOrUndefined(env.securityToken) }
    } else if (Option.isSome(accessKey)) {
      return yield* invalid(`access key "${accessKey.value}" without a secret key: pass --secret-key or set ROCKETMQ_SECRET_KEY`)
    } else if (Option.isSome(secretKey)) {
      return yield* invalid("a secret key without an access key: pass --access-key or set ROCKETMQ_ACCESS_KEY")
    }

    const tlsDetails = Option.isSome(flags.tlsCa) || Option.isSome(flags.tlsCert) || Option.isSome(flags.tlsKey) ||
      Option.isSome(flags.tlsServername) || flags.tlsInsecure
    if (tlsDetails && !flags.tls && !flags.namesrvTls) {
      return yield* invalid("--tls-ca, --tls-cert, --tls-key, --tls-servername and --tls-insecure need --tls and/or --namesrv-tls")
    }
    if (Option.isSome(flags.tlsCert) !== Option.isSome(flags.tlsKey)) {
      return yield* invalid("mutual TLS needs both --tls-cert and --tls-key")
    }
    let settings: TlsSettings = {}
    if (Option.isSome(flags.tlsCa)) settings = { ...settings, ca: yield* readPem("--tls-ca", flags.tlsCa.value) }
    if (Option.isSome(flags.tlsCert)) settings = { ...settings, cert: yield* readPem("--tls-cert", flags.tlsCert.value) }
    if (Option.isSome(flags.tlsKey)) settings = { ...settings, key: Redacted.make(yield* readPem("--tls-key", flags.tlsKey.value)) }
    if (Option.isSome(flags.tlsServername)) settings = { ...settings, servername: flags.tlsServername.value }
    if (flags.tlsInsecure) settings = { ...settings, insecure: true }

    const namespace = Option.getOrUndefined(Option.orElse(flags.namespace, () => env.namespace))
    return {
      credentials,
      namespace: namespace === "" ? undefined : namespace,
      tls: flags.tls ? settings : undefined,
      nameServerTls: flags.namesrvTls ? settings : undefined
    }
  })
