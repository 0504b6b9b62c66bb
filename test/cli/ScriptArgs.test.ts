/**
 * `npm run bench` and `npm run soak` run for minutes: `--help` shows their flags instead, and a flag
 * they do not know ends them at once, before anything is measured.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"

const repoRoot = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")

const run = (script: string, args: ReadonlyArray<string>) =>
  Effect.callback<{ code: number; stdout: string; stderr: string }>((resume) => {
    const child = execFile(process.execPath, [Path.join(repoRoot, script), ...args], { cwd: repoRoot, timeout: 30_000 }, (error, stdout, stderr) => {
      resume(Effect.succeed({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr }))
    })
    return Effect.sync(() => child.kill())
  })

const scripts = [
  { script: "src/bench/main.ts", name: "bench", flags: ["--json", "--quick", "--only"], bad: [["--bogus"], ["--only", "nope"]] },
  { script: "test/soak/main.ts", name: "soak", flags: ["--cases", "--seed"], bad: [["--bogus"], ["--cases", "abc"], ["--seed", "0"]] }
]

describe("the bench and soak scripts' arguments", () => {
  for (const { bad, flags, name, script } of scripts) {
    it.live(`npm run ${name} -- --help lists its flags and exits 0`, () =>
      Effect.gen(function*() {
        const result = yield* run(script, ["--help"])
        assert.strictEqual(result.code, 0, result.stderr)
        assert.include(result.stdout, `npm run ${name}`)
        for (const flag of flags) assert.include(result.stdout, flag)
      }), { timeout: 60_000 })

    it.live(`npm run ${name} refuses bad arguments with exit code 1, before running`, () =>
      Effect.gen(function*() {
        for (const args of bad) {
          const result = yield* run(script, args)
          assert.strictEqual(result.code, 1, `${args.join(" ")}: ${result.stdout}${result.stderr}`)
          // the error names what was wrong, and nothing was measured
          assert.include(result.stderr, args.at(-1)!.replace(/^-+/, ""), args.join(" "))
          assert.notMatch(result.stdout + result.stderr, /ops\/s|\d+\/\d+ in|hostile cases/, args.join(" "))
        }
      }), { timeout: 60_000 })
  }
})
