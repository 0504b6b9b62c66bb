/**
 * The benchmark's child processes: the cluster, and each measured case, every one a Node process of
 * its own run from the same sources with the same Node.
 *
 * @since 0.1.0
 */
import { execFileSync, spawn } from "node:child_process"
import * as Os from "node:os"
import { fileURLToPath } from "node:url"

// Run from source (Node's type stripping) or from a build: siblings have this module's extension.
const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js"
const script = (name: string) => fileURLToPath(new URL(`./${name}${extension}`, import.meta.url))

const tasksetAvailable = (() => {
  try {
    execFileSync("taskset", ["-c", "0", "true"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()

/**
 * Whether the processes are pinned: with `taskset` (Linux) and at least two CPUs, the cluster runs
 * on CPU 0 and each measured case on CPU 1, so where the scheduler happens to put them does not move
 * the figures (unpinned, runs on a 2-core machine fall into a fast and a slow mode, by ±15 %).
 *
 * @since 0.1.0
 */
export const pinned = tasksetAvailable && Os.availableParallelism() >= 2

/** `node <args>`, on `cpu` when pinned. */
const nodeOn = (cpu: number, args: ReadonlyArray<string>): [string, Array<string>] =>
  pinned ? ["taskset", ["-c", String(cpu), process.execPath, ...args]] : [process.execPath, [...args]]

/**
 * A running cluster process.
 *
 * @since 0.1.0
 */
export interface ClusterProcess {
  readonly address: string
  readonly stop: () => void
}

/**
 * Starts a testkit cluster in another process (see `ClusterProcess`).
 *
 * @since 0.1.0
 */
export const startCluster = (brokers: number, topics: string, generated = 0): Promise<ClusterProcess> =>
  new Promise((resolve, reject) => {
    const [command, args] = nodeOn(0, [script("ClusterProcess"), String(brokers), topics, String(generated)])
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      const match = /READY (\S+)/.exec(output)
      if (match?.[1] !== undefined) resolve({ address: match[1], stop: () => child.stdin.end() })
    })
    child.on("exit", (code) => reject(new Error(`cluster process exited with code ${code}`)))
  })

/**
 * How a case process runs: extra Node flags, and whether it shares the cluster's CPU (when pinned,
 * it runs on CPU 0 with the cluster instead of on CPU 1 of its own).
 *
 * @since 0.1.0
 */
export interface CaseOptions {
  readonly nodeFlags?: ReadonlyArray<string>
  readonly sharesClusterCpu?: boolean
}

/**
 * Runs a case script (`ProducerCase`, `RssCase`, `RouteCase`) and parses the JSON line it prints.
 *
 * @since 0.1.0
 */
export const runCase = (name: string, args: ReadonlyArray<string>, options: CaseOptions = {}): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const [command, argv] = nodeOn(options.sharesClusterCpu === true ? 0 : 1, [...(options.nodeFlags ?? []), script(name), ...args])
    const child = spawn(command, argv, { stdio: ["ignore", "pipe", "inherit"] })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.on("exit", (code) => {
      const line = output.trim().split("\n").pop() ?? ""
      if (code !== 0) return reject(new Error(`${name} ${args.join(" ")} exited with code ${code}`))
      try {
        resolve(JSON.parse(line))
      } catch {
        reject(new Error(`${name} printed no JSON: ${line}`))
      }
    })
  })
