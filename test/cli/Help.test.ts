import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runCliCapture } from "./cliHarness.ts"

/** Each command's flags that have a default, and that default as the help must show it. */
const defaults: ReadonlyArray<readonly [command: string, flag: string, shown: string]> = [
  ["cluster", "--brokers", "2"],
  ["cluster", "--namesrv-port", "9876"],
  ["cluster", "--broker-port", "10911"],
  ["cluster", "--profile", "4.9.8"],
  ["brokers", "--timeout", "3000"],
  ["route", "--timeout", "3000"],
  ["send", "--count", "1"],
  ["send", "--timeout", "3000"],
  ["send", "--group", "effect_rocketmq_cli"],
  ["bench", "--size", "1024"],
  ["bench", "--concurrency", "64"],
  ["bench", "--warmup", "2"],
  ["bench", "--timeout", "3000"],
  ["demo", "--messages", "6"]
]

describe("help", () => {
  it.effect("every command's help shows each flag's default", () =>
    Effect.gen(function*() {
      for (const [command, flag, shown] of defaults) {
        const run = yield* runCliCapture([command, "--help"])
        assert.strictEqual(run.exitCode, 0, command)
        const line = run.stdout.join("\n").split("\n").find((text) => text.trimStart().startsWith(`${flag} `))
        assert.isDefined(line, `${command} ${flag}`)
        assert.include(line, `(default: ${shown})`, `${command} ${flag}`)
      }
    }))

  it.effect("every subcommand is listed with a description", () =>
    Effect.gen(function*() {
      const run = yield* runCliCapture(["--help"])
      const text = run.stdout.join("\n")
      for (const command of ["cluster", "brokers", "route", "send", "inspect", "bench", "demo"]) {
        assert.match(text, new RegExp(`\\n  ${command} +\\S`), command)
      }
    }))
})
