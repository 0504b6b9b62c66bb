/**
 * Flag building blocks shared by the commands: numbers checked when the command line is parsed
 * (so `--timeout 0` is refused before anything is dialled), and defaults that the help shows.
 *
 * @since 0.1.0
 */
import { Flag } from "effect/cli"
import type { ProducerOptions } from "../producer/ProducerOptions.ts"
import type { ResolvedSecurity } from "./SecurityFlags.ts"

/**
 * An integer flag that must be at least `minimum`; anything less is refused while parsing
 * (`Invalid value for flag --timeout: "0". Expected: a positive integer`).
 *
 * @since 0.1.0
 * @category flags
 */
export const intAtLeast = (name: string, minimum: number): Flag.Flag<number> =>
  Flag.Int(name).pipe(
    Flag.filter(
      (value) => value >= minimum,
      () => (minimum === 1 ? "a positive integer" : `an integer of at least ${minimum}`)
    )
  )

/**
 * A port flag: 0 (an ephemeral port) to 65535.
 *
 * @since 0.1.0
 * @category flags
 */
export const portFlag = (name: string): Flag.Flag<number> =>
  Flag.Int(name).pipe(
    Flag.filter(
      (value) => value >= 0 && value <= 65535,
      () => "a port from 0 to 65535 (0: any free port)"
    )
  )

/**
 * Describes a flag and gives it a default, the default written into the help text:
 * `Time budget in milliseconds (default: 3000)`.
 *
 * @since 0.1.0
 * @category flags
 */
export const describedWithDefault = <A>(description: string, value: A, shown: string = String(value)) =>
(flag: Flag.Flag<A>): Flag.Flag<A> =>
  flag.pipe(Flag.withDescription(`${description} (default: ${shown})`), Flag.withDefault(value))

/**
 * The producer options of a command that sends: its NameServers, its `--group` and `--timeout`
 * (the send budget, and each NameServer request's), and its security flags.
 *
 * @since 0.1.0
 * @category flags
 */
export const producerOptionsOf = (
  nameServers: string,
  flags: { readonly group: string; readonly timeout: number },
  security: ResolvedSecurity
): ProducerOptions => ({
  nameServers,
  producerGroup: flags.group,
  sendMsgTimeout: flags.timeout,
  nameServerTimeout: flags.timeout,
  ...security
})
