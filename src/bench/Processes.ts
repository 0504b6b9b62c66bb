/**
 * The benchmark's child processes: the cluster, and each measured case, every one a Node process of
 * its own run from the same sources with the same Node.
 *
 * @since 0.1.0
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

// Run from source (Node's type stripping) or from a build: siblings have this module's extension.
const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js"
const script = (name: string) => fileURLToPath(new URL(`./${name}${extension}`, import.meta.url))

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
    const child = spawn(process.execPath, [script("ClusterProcess"), String(brokers), topics, String(generated)], {
      stdio: ["pipe", "pipe", "inherit"]
    })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      const match = /READY (\S+)/.exec(output)
      if (match?.[1] !== undefined) resolve({ address: match[1], stop: () => child.stdin.end() })
    })
    child.on("exit", (code) => reject(new Error(`cluster process exited with code ${code}`)))
  })

/**
 * Runs a case script (`ProducerCase`, `RssCase`, `RouteCase`) and parses the JSON line it prints.
 *
 * @since 0.1.0
 */
export const runCase = (name: string, args: ReadonlyArray<string>, nodeFlags: ReadonlyArray<string> = []): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, script(name), ...args], { stdio: ["ignore", "pipe", "inherit"] })
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
