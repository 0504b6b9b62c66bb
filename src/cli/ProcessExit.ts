/**
 * How the `effect-rocketmq` process ends: quietly when its output is closed early
 * (`effect-rocketmq send … | head -1`), and with exit code 0 when a foreground server such as
 * `effect-rocketmq cluster` is stopped with Ctrl-C.
 *
 * @since 0.1.0
 */
import * as Process from "node:process"
import { Cause, Exit, Runtime } from "effect"

/**
 * Ends the process with exit code 0, without a stack trace, when stdout or stderr is closed by the
 * reader (`EPIPE`): there is nobody left to print to.
 *
 * @since 0.1.0
 * @category process
 */
export const endQuietlyOnClosedOutput = (): void => {
  for (const stream of [Process.stdout, Process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") Process.exit(0)
      throw error
    })
  }
}

let stopOnInterrupt = false

/**
 * Marks the running command as a foreground server: from now on an interruption (Ctrl-C,
 * `SIGTERM`) is the way it is meant to stop, and the process exits with code 0.
 *
 * @since 0.1.0
 * @category process
 */
export const interruptIsCleanStop = (): void => {
  stopOnInterrupt = true
}

/**
 * The exit code of the process: Effect's default (0 on success, 130 when interrupted, 1 on a
 * failure), except that a foreground server interrupted after {@link interruptIsCleanStop} exits 0.
 *
 * @since 0.1.0
 * @category process
 */
export const exitCodeOf: Runtime.Teardown = (exit, onExit) =>
  stopOnInterrupt && Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)
    ? onExit(0)
    : Runtime.defaultTeardown(exit, onExit)
