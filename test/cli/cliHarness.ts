/**
 * Runs the CLI in-process with given arguments and collects what it prints.
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Exit, Layer } from "effect"
import { TestConsole } from "effect/testing"
import { runCli } from "../../src/cli/Cli.ts"
import { cliOutputLayer } from "../../src/cli/CliOutputStyle.ts"

export interface CliRun {
  readonly stdout: ReadonlyArray<string>
  readonly stderr: ReadonlyArray<string>
  readonly exitCode: 0 | 1
}

/** Runs `effect-rocketmq <args>`; a failure of the command counts as exit code 1. */
export const runCliCapture = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(runCli(args))
    const stdout = (yield* TestConsole.logLines).map(String)
    const stderr = (yield* TestConsole.errorLines).map(String)
    const run: CliRun = { stdout, stderr, exitCode: Exit.isSuccess(exit) ? 0 : 1 }
    return run
  }).pipe(Effect.provide(Layer.mergeAll(NodeServices.layer, cliOutputLayer, Layer.fresh(TestConsole.layer))))
