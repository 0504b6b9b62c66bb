/**
 * Runs the \`effect-rocketmq\` executable (\`src/cli/main.ts\` on the current Node) as a child process,
 * for what only a process shows: signals, exit codes, a closed stdout.
 */
import { assert } from "@effect/vitest"
import { execFileSync, spawn } from "node:child_process"
import * as Net from "node:net"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"

const repoRoot = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")

export interface Running {
  /** Lines printed so far on stdout. */
  readonly stdout: Array<string>
  readonly stderr: Array<string>
  /** Resolves with the first stdout line matching. */
  readonly line: (matching: RegExp) => Effect.Effect<string>
  readonly interrupt: () => void
  /** Closes the reading end of the child's stdout, as `| head -1` does. */
  readonly closeStdout: () => void
  /** The exit code (null when killed by a signal). */
  readonly exited: Effect.Effect<number | null>
}

/** Starts `effect-rocketmq <args>` as a child process on the current Node; killed with the scope. */
export const startCli = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.sync((): Running => {
      const child = spawn(process.execPath, [Path.join(repoRoot, "src/cli/main.ts"), ...args], { cwd: repoRoot })
      const stdout: Array<string> = []
      const stderr: Array<string> = []
      let pendingOut = ""
      const listeners = new Set<() => void>()
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        pendingOut += chunk
        const lines = pendingOut.split("\n")
        pendingOut = lines.pop() ?? ""
        stdout.push(...lines)
        for (const listener of listeners) listener()
      })
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk))
      const exitCode = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
      return {
        stdout,
        stderr,
        line: (matching) =>
          Effect.callback<string>((resume) => {
            const check = () => {
              const found = stdout.find((line) => matching.test(line))
              if (found !== undefined) {
                listeners.delete(check)
                resume(Effect.succeed(found))
              }
            }
            listeners.add(check)
            check()
            return Effect.sync(() => listeners.delete(check))
          }).pipe(Effect.timeout("30 seconds"), Effect.orDie),
        interrupt: () => child.kill("SIGINT"),
        closeStdout: () => child.stdout.destroy(),
        exited: Effect.promise(() => exitCode).pipe(Effect.timeout("30 seconds"), Effect.orDie)
      }
    }),
    (running) => Effect.sync(() => running.interrupt())
  )

/** A port free right now (listened on, then closed). */
export const freePort = Effect.promise(() =>
  new Promise<number>((resolve) => {
    const server = Net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
)

/** Whether `port` can be listened on right now. */
const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = Net.createServer()
    server.once("error", () => resolve(false))
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)))
  })

/** A port free right now whose next port is free too (for brokers on consecutive ports); 50 tries. */
export const freePortPair = Effect.promise(async () => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await Effect.runPromise(freePort)
    if (port < 65535 && (await canListen(port + 1))) return port
  }
  throw new Error("no two consecutive free ports found in 50 tries")
})

/** util-linux `script`, which runs a command on a pseudo-terminal (absent on some systems). */
export const scriptCommand = ["/usr/bin/script", "/bin/script"].find((path) => {
  try {
    return execFileSync(path, ["--version"], { encoding: "utf8" }).includes("util-linux")
  } catch {
    return false
  }
})

/**
 * Starts `effect-rocketmq <args>` on a pseudo-terminal (through `script`), so stdout is a TTY;
 * `typeCtrlC` types Ctrl-C on that terminal. Its output is collected raw (with `\r` and colours).
 */
export const startCliOnTty = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      // `exec`: script(1) runs the command through $SHELL or /bin/sh; a shell that stayed as the parent
      // (dash does) would take the typed Ctrl-C as well and end with 130 whatever the CLI exited with.
      const command = ["exec", process.execPath, Path.join(repoRoot, "src/cli/main.ts"), ...args].join(" ")
      const child = spawn(scriptCommand ?? "script", ["-qfec", command, "/dev/null"], { cwd: repoRoot })
      let output = ""
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        output += chunk
      })
      const exitCode = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
      return {
        output: () => output,
        waitFor: (matching: RegExp) =>
          Effect.gen(function*() {
            for (let i = 0; i < 300 && !matching.test(output); i++) yield* Effect.sleep("100 millis")
            assert.match(output, matching)
          }),
        typeCtrlC: () => child.stdin.write("\u0003"),
        exited: Effect.promise(() => exitCode).pipe(Effect.timeout("30 seconds"), Effect.orDie),
        kill: () => child.kill("SIGKILL")
      }
    }),
    (running) => Effect.sync(() => running.kill())
  )
