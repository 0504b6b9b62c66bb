/**
 * Plain-text tables for the CLI's human-readable output.
 *
 * @since 0.1.0
 */

/**
 * Lays out rows under a header, each column as wide as its widest cell, two spaces between columns.
 *
 * @since 0.1.0
 * @category cli
 */
export const formatTable = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>
): string => {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd()
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n")
}

/**
 * Shows control characters of a string as `\uXXXX` so they cannot garble a terminal.
 *
 * @since 0.1.0
 * @category cli
 */
export const printable = (text: string): string =>
  // eslint-disable-next-line no-control-regex
  text.replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)
