/**
 * The flags every command that talks to a cluster shares, and the client layer built from them.
 *
 * @since 0.1.0
 */
import { Config, Effect, Layer, Option, Result, Schema } from "effect"
import { Flag } from "effect/cli"
import { parseAddressList } from "../transport/Address.ts"
import { securedClientOptions } from "../transport/ClientSecurity.ts"
import type { ClientSecurity } from "../transport/ClientSecurity.ts"
import { NameServerTransport } from "../transport/NameServerTransport.ts"
import { RemotingClient } from "../transport/RemotingClient.ts"
import { describedWithDefault, intAtLeast } from "./CliFlags.ts"

/**
 * Neither `--namesrv` nor `NAMESRV_ADDR` says where the NameServers are.
 *
 * @since 0.1.0
 * @category cli
 */
export class MissingNameServer extends Schema.TaggedError<MissingNameServer>()("MissingNameServer", {}) {
  override get message(): string {
    return "no NameServer address: pass --namesrv host:port[;host:port] or set NAMESRV_ADDR"
  }
}

/**
 * `--namesrv "host:port;host:port"`; `NAMESRV_ADDR` when absent.
 *
 * @since 0.1.0
 * @category cli
 */
export const namesrvFlag = Flag.String("namesrv").pipe(
  Flag.withDescription("NameServer addresses, host:port separated by ';' (default: $NAMESRV_ADDR)"),
  Flag.optional
)

/**
 * `--timeout MILLIS` for each NameServer call.
 *
 * @since 0.1.0
 * @category cli
 */
export const timeoutFlag = intAtLeast("timeout", 1).pipe(
  describedWithDefault("Time budget of each NameServer call in milliseconds", 3000)
)

/**
 * `--json`: print JSON instead of a table.
 *
 * @since 0.1.0
 * @category cli
 */
export const jsonFlag = Flag.Boolean("json").pipe(describedWithDefault("Print JSON", false))

/**
 * The NameServer list from the flag, else from `NAMESRV_ADDR`.
 *
 * @since 0.1.0
 * @category cli
 */
export const resolveNameServers = (flag: Option.Option<string>): Effect.Effect<string, MissingNameServer> =>
  Option.isSome(flag)
    ? Effect.succeed(flag.value)
    : Config.option(Config.String("NAMESRV_ADDR")).pipe(
      Effect.orElseSucceed(() => Option.none<string>()),
      Effect.flatMap((env) => (Option.isSome(env) ? Effect.succeed(env.value) : Effect.fail(new MissingNameServer())))
    )

/**
 * A remoting client and a NameServer transport for `addresses`, with ACL signing and TLS as
 * `security` says.
 *
 * @since 0.1.0
 * @category cli
 */
export const nameServerLayer = (addresses: string, timeoutMillis: number, security: ClientSecurity = {}) => {
  const parsed = parseAddressList(addresses)
  const client = RemotingClient.layer(securedClientOptions(Result.isSuccess(parsed) ? parsed.success : [], security))
  return NameServerTransport.layer({ addresses, timeoutMillis, accessKey: security.credentials?.accessKey }).pipe(
    Layer.provideMerge(client)
  )
}
