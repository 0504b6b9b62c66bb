/**
 * The README and the guide name every reason a `ProducerError` can carry.
 */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { ProducerErrorReason } from "../../src/producer/ProducerError.ts"

const repoRoot = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const read = (file: string) => readFileSync(Path.join(repoRoot, file), "utf8")

describe("the documented ProducerError reasons", () => {
  const tags = ProducerErrorReason.members.map((member) => member.identifier)

  it("there are reasons to check", () => {
    assert.isAtLeast(tags.length, 5)
  })

  for (const file of ["README.md", "docs/guide.md"]) {
    it(`${file} names every reason`, () => {
      const text = read(file)
      const missing = tags.filter((tag) => !text.includes("`" + tag))
      assert.deepStrictEqual(missing, [], `${file} does not name ${missing.join(", ")}`)
    })
  }
})
