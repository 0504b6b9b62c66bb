#!/usr/bin/env node
/**
 * The `effect-rocketmq` executable.
 *
 * @since 0.1.0
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { Command } from "effect/cli"
import { cli, cliVersion } from "./Cli.ts"
import { cliOutputLayer } from "./CliOutputStyle.ts"
import { endQuietlyOnClosedOutput, exitCodeOf } from "./ProcessExit.ts"

endQuietlyOnClosedOutput()

cli.pipe(
  Command.run({ version: cliVersion }),
  Effect.provide(Layer.mergeAll(NodeServices.layer, cliOutputLayer)),
  NodeRuntime.runMain({ teardown: exitCodeOf })
)
