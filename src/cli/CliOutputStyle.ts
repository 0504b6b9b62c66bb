/**
 * How the CLI presents errors: every error is one line on stderr, `effect-rocketmq: <problem>`;
 * help and version output stay as Effect's CLI prints them. Log lines (a producer's warning about a
 * heartbeat, say) go to stderr, never into the data on stdout, and only from level Error unless
 * `--log-level` asks for more.
 *
 * @since 0.1.0
 */
import { Console, Layer, Logger, References } from "effect"
import { CliOutput } from "effect/cli"
import { oneLine } from "./CliFailure.ts"

const errorLine = (error: { readonly message: string }): string => `effect-rocketmq: ${oneLine(error.message)}`

const formatter: CliOutput.Formatter = {
  ...CliOutput.defaultFormatter({ colors: false }),
  formatError: errorLine,
  formatCliError: errorLine,
  formatErrors: (errors) => errors.map(errorLine).join("\n")
}

const presenter: CliOutput.Presenter = {
  present: (event) =>
    event._tag === "InvalidInvocation"
      ? Console.error(
        event.errors.map((error) => `${errorLine(error)} (see: ${["effect-rocketmq", ...event.commandPath.slice(1), "--help"].join(" ")})`)
          .join("\n")
      )
      : CliOutput.defaultPresenter.present(event)
}

/**
 * The CLI's formatter and presenter, and where its log lines go.
 *
 * @since 0.1.0
 * @category cli
 */
export const cliOutputLayer: Layer.Layer<never> = Layer.mergeAll(
  CliOutput.layer(formatter),
  CliOutput.layerPresenter(presenter),
  // `--log-level` provides its level closer to the command, so it still wins over this default
  Layer.succeed(References.MinimumLogLevel, "Error"),
  Layer.succeed(Logger.LogToStderr, true)
)
