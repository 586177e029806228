import { Linter } from 'eslint'
import tseslint from 'typescript-eslint'
import { beforeAll, describe, expect, it } from 'vitest'

/** The project's lint configuration, whose selectors apply to src-main (a path string: it is plain JS). */
const ESLINT_CONFIG: string = '../../../eslint.config.mjs'
let selectors: { selector: string; message: string }[] = []
beforeAll(async () => {
  selectors = ((await import(ESLINT_CONFIG)) as { IMMEDIATE_TRANSACTIONS: typeof selectors }).IMMEDIATE_TRANSACTIONS
})

function restricted(code: string): string[] {
  const linter = new Linter({ configType: 'flat' })
  const config: Linter.Config[] = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, rules: { 'no-restricted-syntax': ['error', ...selectors] } }]
  return linter.verify(code, config, 'probe.ts').map((m) => m.message)
}

describe('lint: every SQLite transaction in src-main takes the write lock first (issue 10)', () => {
  it('refuses a deferred transaction, called directly, kept in a variable, or begun with a plain BEGIN', () => {
    const messages = restricted(`
      db.transaction(() => 1)()
      const tx = db.transaction(() => 2)
      tx()
      db.transaction(() => 3).deferred()
      db.exec('BEGIN')
      db.prepare('begin deferred transaction;').run()
    `)
    expect(messages).toHaveLength(5)
    for (const m of messages) expect(m).toMatch(/IMMEDIATE|\.immediate\(\)/)
  })

  it('accepts IMMEDIATE and EXCLUSIVE transactions', () => {
    expect(
      restricted(`
        db.transaction(() => 1).immediate()
        db.transaction(() => 2).exclusive()
        db.exec('BEGIN IMMEDIATE')
      `),
    ).toEqual([])
  })
})
