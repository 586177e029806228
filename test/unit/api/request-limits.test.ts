import { describe, expect, it } from 'vitest'
import { contract } from '../../../src-main/core/api/contract'
import {
  base64Length,
  MAX_FILE_NAME_CHARS,
  MAX_IMPORT_BASE64_CHARS,
  MAX_PASSWORD_CHARS,
  MAX_REQUEST_CHARS,
  wireSize,
} from '../../../src-main/core/api/request-limits'
import { MAX_IMPORT_BYTES } from '../../../src-main/core/pki/formats/limits'

// JSON spells U+0001 as \u0001: the most a character can take on the wire.
const WORST_CHAR = '\u0001'
const importBytes = contract['certs.importBytes'].input
const importText = contract['certs.importText'].input

describe('request limits', () => {
  it('computes base64 lengths as Node encodes them', () => {
    for (const n of [0, 1, 2, 3, 4, MAX_IMPORT_BYTES, MAX_IMPORT_BYTES + 1]) {
      expect(base64Length(n)).toBe(Buffer.alloc(n).toString('base64').length)
    }
  })

  it('caps import bytes at exactly a file of MAX_IMPORT_BYTES', () => {
    const atLimit = Buffer.alloc(MAX_IMPORT_BYTES).toString('base64')
    expect(atLimit.length).toBe(MAX_IMPORT_BASE64_CHARS)
    expect(importBytes.safeParse({ fileName: 'a.zip', base64: atLimit }).success).toBe(true)
    const longer = importBytes.safeParse({ fileName: 'a.zip', base64: `${atLimit}AAAA` })
    expect(longer.error?.issues).toMatchObject([
      { code: 'too_big', path: ['base64'], message: expect.stringContaining('larger than 4 MiB') as unknown },
    ])
  })

  it('makes room for the largest import request the contract accepts, in characters and in bytes', () => {
    const input = {
      fileName: WORST_CHAR.repeat(MAX_FILE_NAME_CHARS),
      base64: 'A'.repeat(MAX_IMPORT_BASE64_CHARS),
      password: WORST_CHAR.repeat(MAX_PASSWORD_CHARS),
    }
    expect(importBytes.safeParse(input).success).toBe(true)
    expect(JSON.stringify(input).length).toBeLessThanOrEqual(MAX_REQUEST_CHARS)
    expect(wireSize(input)).toBeLessThanOrEqual(MAX_REQUEST_CHARS)
  })

  it('accepts pasted text only as large on the wire as the largest file, so it fits too', () => {
    const lineBreaks = (MAX_IMPORT_BASE64_CHARS - 2) / 2
    const largest = { text: '\n'.repeat(lineBreaks), password: WORST_CHAR.repeat(MAX_PASSWORD_CHARS) }
    expect(importText.safeParse(largest).success).toBe(true)
    expect(wireSize(largest)).toBeLessThanOrEqual(MAX_REQUEST_CHARS)
    const over = importText.safeParse({ text: '\n'.repeat(lineBreaks + 1) })
    expect(over.error?.issues).toMatchObject([{ code: 'too_big', path: ['text'] }])
  })

  it('still accepts 4 MiB of PEM-like text with CRLF line ends', () => {
    const line = `${'A'.repeat(64)}\r\n`
    const text = line.repeat(Math.floor(MAX_IMPORT_BYTES / line.length))
    expect(importText.safeParse({ text }).success).toBe(true)
  })
})
