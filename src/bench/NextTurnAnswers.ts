/**
 * Answers from memory for the benchmarks that take the sockets out: every answer handed in during
 * one turn of the event loop is given at the next (`setImmediate`), together, as a read from a
 * socket brings several.
 *
 * @since 0.1.0
 */

/**
 * A fresh batcher: call it with an answer (a callback that resumes a waiting request) to have it
 * run at the next turn of the event loop, with every other answer handed in before then.
 *
 * @since 0.1.0
 */
export const makeNextTurnAnswers = (): (answer: () => void) => void => {
  let waiting: Array<() => void> = []
  let scheduled = false
  const flush = () => {
    scheduled = false
    const due = waiting
    waiting = []
    for (const answer of due) answer()
  }
  return (answer) => {
    waiting.push(answer)
    if (!scheduled) {
      scheduled = true
      setImmediate(flush)
    }
  }
}
