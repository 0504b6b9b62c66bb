/**
 * Runs the CLI in-process with given arguments and collects what it prints.
 */
import { assert } from "@effect/vitest"
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

/**
 * Runs each command line, which must be refused: exit code 1, nothing on stdout, and one line on
 * stderr matching its pattern.
 */
export const assertRefused = (cases: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp]>) =>
  Effect.gen(function*() {
    for (const [args, expected] of cases) {
      const run = yield* runCliCapture(args)
      assert.strictEqual(run.exitCode, 1, args.join(" "))
      assert.deepStrictEqual(run.stdout, [])
      assert.strictEqual(run.stderr.length, 1, JSON.stringify(run.stderr))
      assert.match(run.stderr[0]!, expected)
    }
  })
