/**
 * Every code block of README.md and docs/*.md is run:
 * - a `ts` block must appear, line for line (indentation aside, the package names mapped to the
 *   sources), in a file of test/examples/: a test file runs it, a program in
 *   test/examples/programs/ is run here against a testkit cluster;
 * - a `sh` block's `npm run cli -- …` lines run as written against the `cluster` command the README
 *   shows (started as shown, but on free ports), NAMESRV_ADDR set;
 * - a `json` block parses.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { readdirSync, readFileSync, statSync } from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { ConfigProvider, Effect } from "effect"
import { makeTestCluster } from "../../src/testkit/TestCluster.ts"
import { runCliCapture } from "../cli/cliHarness.ts"
import { startCli } from "../cli/cliProcess.ts"

const repoRoot = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const examplesDir = Path.join(repoRoot, "test/examples")

interface Block {
  readonly file: string
  readonly line: number
  readonly lang: string
  readonly code: string
}

const docFiles = [
  "README.md",
  ...readdirSync(Path.join(repoRoot, "docs")).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`)
]

const blocks: ReadonlyArray<Block> = docFiles.flatMap((file) => {
  const text = readFileSync(Path.join(repoRoot, file), "utf8")
  const found: Array<Block> = []
  for (const match of text.matchAll(/^ *```(\w*)\n([\s\S]*?)^ *```/gm)) {
    const line = text.slice(0, match.index).split("\n").length
    found.push({ file, line, lang: match[1] ?? "", code: match[2] ?? "" })
  }
  return found
})

/** Imports of the package and of the sources, written alike; indentation and blank lines dropped. */
const normalize = (code: string): string =>
  code
    .replace(/from "effect-rocketmq\/(\w+)"/g, `from "PACKAGE/$1"`)
    .replace(/from "effect-rocketmq"/g, `from "PACKAGE"`)
    .replace(/from "(\.\.\/)+src\/(\w+)\/index\.ts"/g, `from "PACKAGE/$2"`)
    .replace(/from "(\.\.\/)+src\/index\.ts"/g, `from "PACKAGE"`)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join("\n")

const exampleFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = Path.join(dir, name)
    return statSync(path).isDirectory() ? exampleFiles(path) : name.endsWith(".ts") ? [path] : []
  })

const examples = exampleFiles(examplesDir).map((path) => ({ path, code: normalize(readFileSync(path, "utf8")) }))

/** `npm run cli -- brokers --json   # comment` → ["brokers", "--json"]. */
const cliArgs = (line: string): ReadonlyArray<string> | undefined => {
  const match = /^npm run cli -- (.*)$/.exec(line.replace(/\s+#.*$/, "").trim())
  return match?.[1]?.split(/\s+/).filter((arg) => arg.length > 0)
}

const runNode = (file: string, env: Record<string, string>, baseEnv: NodeJS.ProcessEnv = process.env) =>
  Effect.callback<{ code: number; output: string }>((resume) => {
    const child = execFile(process.execPath, [file], { cwd: repoRoot, env: { ...baseEnv, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resume(Effect.succeed({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, output: stdout + stderr }))
    })
    return Effect.sync(() => child.kill())
  })

describe("the code blocks of README.md and docs/", () => {
  it("there are blocks to check", () => {
    assert.isAtLeast(blocks.filter((block) => block.lang === "ts").length, 4)
  })

  for (const block of blocks.filter((candidate) => candidate.lang === "ts")) {
    it(`${block.file}:${block.line} (ts) is in a test or program of test/examples`, () => {
      const code = normalize(block.code)
      const holder = examples.find((example) => example.code.includes(code))
      assert.isDefined(holder, `no file of test/examples holds the block at ${block.file}:${block.line}:\n${block.code}`)
    })
  }

  for (const block of blocks.filter((candidate) => candidate.lang === "json")) {
    it(`${block.file}:${block.line} (json) parses`, () => {
      // one JSON value, or one per line (as `--json` prints them)
      const parses = (text: string) => {
        try {
          JSON.parse(text)
          return true
        } catch {
          return false
        }
      }
      const lines = block.code.trim().split("\n")
      assert.isTrue(parses(block.code) || lines.every(parses), block.code)
    })
  }

  it.live("the sh blocks' CLI lines run as written against the documented `cluster` (on free ports), NAMESRV_ADDR set", () =>
    Effect.gen(function*() {
      const lines = blocks.filter((candidate) => candidate.lang === "sh").flatMap((block) =>
        block.code.split("\n").map((line) => ({ block, line, args: cliArgs(line) }))
      )
      const clusterLine = lines.find((entry) => entry.args?.[0] === "cluster")
      assert.isDefined(clusterLine, "README shows how to start the cluster")
      // the documented command, moved to free ports (9876 may be taken on this machine)
      const cluster = yield* startCli([...(clusterLine?.args ?? []), "--namesrv-port", "0", "--broker-port", "0", "--json"])
      const ready: { nameServer: string } = JSON.parse(yield* cluster.line(/^\{/))
      const env = ConfigProvider.layer(ConfigProvider.fromEnv({ env: { NAMESRV_ADDR: ready.nameServer } }))
      let ran = 0
      for (const { block, line, args } of lines) {
        if (args === undefined || args[0] === "cluster" || args.includes("--help")) continue
        const run = yield* runCliCapture(args).pipe(Effect.provide(env))
        assert.strictEqual(run.exitCode, 0, `${block.file}:${block.line}: ${line}\n${run.stderr.join("\n")}`)
        assert.isAbove(run.stdout.length, 0, line)
        ran++
      }
      assert.isAtLeast(ran, 5)
      cluster.interrupt()
      assert.strictEqual(yield* cluster.exited, 0)
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.live("the programs run against a testkit cluster (NAMESRV_ADDR set)", () =>
    Effect.gen(function*() {
      const cluster = yield* makeTestCluster({ brokers: 2, topics: [{ topicName: "Orders" }] })
      const programs = exampleFiles(Path.join(examplesDir, "programs"))
      assert.isAtLeast(programs.length, 1)
      for (const program of programs) {
        const run = yield* runNode(program, { NAMESRV_ADDR: cluster.nameServerAddress })
        assert.strictEqual(run.code, 0, `${program}: ${run.output}`)
        assert.match(run.output, /SEND_OK/, program)
      }
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.live("the programs, run without NAMESRV_ADDR, say what is missing and exit with code 1", () =>
    Effect.gen(function*() {
      const programs = exampleFiles(Path.join(examplesDir, "programs"))
      for (const program of programs) {
        const { NAMESRV_ADDR: _ignored, ...rest } = process.env
        const run = yield* runNode(program, {}, rest)
        assert.strictEqual(run.code, 1, `${program}: ${run.output}`)
        assert.include(run.output, "NAMESRV_ADDR", program)
        assert.notInclude(run.output, "[object Object]", program)
      }
    }), { timeout: 60_000 })
})
