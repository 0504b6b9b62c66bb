/**
 * The `effect-rocketmq` command line: its root command and subcommands.
 *
 * @since 0.1.0
 */
import { Command } from "effect/cli"
import { benchCommand } from "./BenchCommand.ts"
import { brokersCommand } from "./BrokersCommand.ts"
import { clusterCommand } from "./ClusterCommand.ts"
import { demoCommand } from "./DemoCommand.ts"
import { inspectCommand } from "./InspectCommand.ts"
import { routeCommand } from "./RouteCommand.ts"
import { sendCommand } from "./SendCommand.ts"

/**
 * The version the CLI reports.
 *
 * @since 0.1.0
 * @category cli
 */
export const cliVersion = "0.1.0"

/**
 * The root command with every subcommand.
 *
 * @since 0.1.0
 * @category cli
 */
export const cli = Command.make("effect-rocketmq").pipe(
  Command.withDescription("A RocketMQ producer client on Effect, speaking the remoting protocol"),
  Command.withSubcommands([
    clusterCommand,
    brokersCommand,
    routeCommand,
    sendCommand,
    inspectCommand,
    benchCommand,
    demoCommand
  ])
)

/**
 * Runs the CLI with explicit arguments (without the program name).
 *
 * @since 0.1.0
 * @category cli
 */
export const runCli = Command.runWith(cli, { version: cliVersion })
