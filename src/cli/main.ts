#!/usr/bin/env node
/**
 * The `effect-rocketmq` executable.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
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
