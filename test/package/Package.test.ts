/**
 * The package as a user meets it: built with `npm run build`, imported by name through the exports
 * map (ESM and CommonJS), type-checked against the emitted declarations, and packed with only what a
 * user needs.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"

const repoRoot = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const consumer = Path.join(repoRoot, "test/package/consumer")
const tsc = Path.join(repoRoot, "node_modules/typescript/bin/tsc")

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `command` (default: the current Node) on `args` in the repository, collecting its output. */
const run = (args: ReadonlyArray<string>, command: string = process.execPath): Effect.Effect<Run> =>
  Effect.callback<Run>((resume) => {
    const child = execFile(command, [...args], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
      resume(Effect.succeed({ code, stdout, stderr }))
    })
    return Effect.sync(() => child.kill())
  })

describe("the package as a user imports it", () => {
  it.live("builds, imports by name (ESM and CommonJS), sends, type-checks and packs", () =>
    Effect.gen(function*() {
      const build = yield* run([tsc, "-p", "tsconfig.build.json"])
      assert.strictEqual(build.code, 0, build.stdout + build.stderr)

      const esm = yield* run([Path.join(consumer, "send.ts")])
      assert.strictEqual(esm.code, 0, esm.stderr)
      const summary: { statuses: Array<string>; msgIds: Array<string>; stored: number } = JSON.parse(esm.stdout.trim())
      assert.deepStrictEqual(summary.statuses, ["SEND_OK", "SEND_OK", "SEND_OK"])
      assert.strictEqual(new Set(summary.msgIds).size, 3)
      assert.strictEqual(summary.stored, 3)

      const cjs = yield* run([Path.join(consumer, "require.cjs")])
      assert.strictEqual(cjs.code, 0, cjs.stderr)
      assert.deepStrictEqual(JSON.parse(cjs.stdout.trim()), { producer: "function", makeMessage: "function", makeTestCluster: "function" })

      const typed = yield* run([tsc, "-p", Path.join(consumer, "tsconfig.json")])
      assert.strictEqual(typed.code, 0, typed.stdout + typed.stderr)
      const misuse = yield* run([tsc, "-p", Path.join(consumer, "tsconfig.misuse.json")])
      assert.notStrictEqual(misuse.code, 0)
      assert.match(misuse.stdout, /misuse\.ts\(\d+,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/)

      const packed = yield* run(["pack", "--dry-run", "--json", "--ignore-scripts"], "npm")
      assert.strictEqual(packed.code, 0, packed.stderr)
      const [manifest]: Array<{ files: Array<{ path: string }> }> = JSON.parse(packed.stdout)
      const files = (manifest?.files ?? []).map((file) => file.path)
      for (const needed of ["dist/index.js", "dist/index.d.ts", "dist/testkit/index.js", "dist/cli/main.js", "README.md", "package.json"]) {
        assert.include(files, needed)
      }
      const unwanted = files.filter((file) => /(^|\/)bench\/|^test\/|^\.ci\//.test(file))
      assert.deepStrictEqual(unwanted, [])
    }), { timeout: 240_000 })
})
