/**
 * Colour for the demo's story: ANSI colours on a terminal, plain text otherwise (a pipe, a file,
 * `NO_COLOR` set).
 *
 * @since 0.1.0
 */
import * as Process from "node:process"

/**
 * Text styles; each returns its input unchanged when colour is off.
 *
 * @since 0.1.0
 * @category styling
 */
export interface Style {
  readonly title: (text: string) => string
  readonly wire: (text: string) => string
  readonly ok: (text: string) => string
  readonly bad: (text: string) => string
  readonly note: (text: string) => string
  readonly added: (text: string) => string
}

const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`

/**
 * The styles, coloured or plain.
 *
 * @since 0.1.0
 * @category styling
 */
export const makeStyle = (colour: boolean): Style =>
  colour
    ? {
      title: ansi(1, 22),
      wire: ansi(36, 39),
      ok: ansi(32, 39),
      bad: ansi(31, 39),
      note: ansi(2, 22),
      added: ansi(33, 39)
    }
    : { title: String, wire: String, ok: String, bad: String, note: String, added: String }

/**
 * Colour when stdout is a terminal and `NO_COLOR` is not set.
 *
 * @since 0.1.0
 * @category styling
 */
export const colourWanted = (): boolean =>
  Process.stdout.isTTY === true && (Process.env["NO_COLOR"] ?? "") === ""
