/**
 * How commands report failures: one line on stderr, exit code 1.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { CliError } from "effect/cli"

/**
 * Turns every failure of a command into a `CliError.UserError` whose message is one line: the CLI
 * runner prints it once and the process exits with code 1.
 *
 * @since 0.1.0
 * @category cli
 */
export const reportFailures = <A, E extends { readonly message: string }, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, CliError.UserError, R> =>
  Effect.mapError(effect, (error) =>
    new CliError.UserError({ cause: error, userMessage: oneLine(error.message) }))

/**
 * The first line of a message, trimmed, so an error always prints as one line.
 *
 * @since 0.1.0
 * @category cli
 */
export const oneLine = (message: string): string => message.split("\n")[0]?.trim() ?? ""
