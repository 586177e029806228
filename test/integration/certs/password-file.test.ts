import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readPasswordFile } from '../../../src-main/core/certs/password-file'
import { CoreError } from '../../../src-main/core/errors'

const dir = mkdtempSync(join(tmpdir(), 'certdesk-pwfile-'))
const file = (name: string, content: string | Buffer): string => {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}

describe('--password-file', () => {
  it('keeps the password exactly, minus one trailing newline', async () => {
    expect(await readPasswordFile(file('a', 'pässwörd-東京\n'))).toBe('pässwörd-東京')
    expect(await readPasswordFile(file('b', ' spaced pass \r\n'))).toBe(' spaced pass ')
    expect(await readPasswordFile(file('c', 'no-newline'))).toBe('no-newline')
  })

  it('refuses an empty file, several lines and a large file', async () => {
    for (const [name, content, code] of [
      ['d', '\n', 'invalid_input'],
      ['e', 'one\ntwo\n', 'invalid_input'],
      ['f', 'x'.repeat(10_000), 'too_large'],
    ] as const) {
      await expect(readPasswordFile(file(name, content))).rejects.toSatisfy((e: unknown) => e instanceof CoreError && e.code === code)
    }
  })
})
