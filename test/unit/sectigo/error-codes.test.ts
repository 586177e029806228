import { describe, expect, it } from 'vitest'
import { parserContext } from '../../../src-main/core/sectigo/call-context'
import { errorFromSectigoCode, SECTIGO_ERROR_CODES } from '../../../src-main/core/sectigo/error-codes'
import { createScrubber } from '../../../src-main/core/sectigo/redact'

type Row = [code: number, errorClass: string, coreCode: string, state: string | null]

const TABLE: Row[] = [
  [-1, 'permanent', 'ca_error', null],
  [-2, 'permanent', 'ca_error', null],
  [-3, 'permanent', 'ca_error', null],
  [-4, 'permanent', 'ca_error', null],
  [-5, 'permanent', 'ca_error', null],
  [-6, 'permanent', 'ca_error', null],
  [-7, 'permanent', 'ca_error', null],
  [-8, 'permanent', 'ca_error', null],
  [-9, 'permanent', 'ca_error', null],
  [-10, 'permanent', 'ca_error', null],
  [-11, 'permanent', 'ca_error', null],
  [-12, 'permanent', 'ca_error', null],
  [-13, 'permanent', 'ca_error', null],
  [-14, 'retryable', 'ca_error', null],
  [-15, 'permanent', 'ca_error', null],
  [-16, 'auth', 'ca_auth', null],
  [-17, 'permanent', 'ca_error', null],
  [-18, 'permanent', 'ca_error', null],
  [-19, 'permanent', 'ca_error', null],
  [-20, 'state', 'ca_error', 'rejected'],
  [-21, 'state', 'ca_error', 'revoked'],
  [-23, 'state', 'ca_error', 'being_issued'],
  [-26, 'state', 'ca_error', 'being_issued'],
  [-35, 'permanent', 'ca_error', null],
  [-40, 'permanent', 'ca_error', null],
  [-42, 'rate_limited', 'ca_rate_limited', null],
  [-47, 'permanent', 'ca_error', null],
  [-76, 'permanent', 'ca_error', null],
  [-90, 'permanent', 'ca_error', null],
  [-91, 'permanent', 'ca_error', null],
  [-115, 'permanent', 'ca_error', null],
  [-121, 'permanent', 'ca_error', null],
  [-122, 'permanent', 'ca_error', null],
  [-124, 'permanent', 'ca_error', null],
  [-126, 'permanent', 'ca_error', null],
  [-139, 'permanent', 'ca_error', null],
  [-160, 'permanent', 'ca_error', null],
  [-162, 'permanent', 'ca_error', null],
  [-999, 'permanent', 'ca_error', null],
]

describe('Sectigo error codes', () => {
  it('the table covers every code of reference §2', () => {
    const covered = TABLE.map(([c]) => c).filter((c) => c !== -999)
    expect([...SECTIGO_ERROR_CODES.keys()].sort((a, b) => a - b)).toEqual([...covered].sort((a, b) => a - b))
  })

  it.each(TABLE)('%i → %s / %s (state %s)', (code, errorClass, coreCode, state) => {
    const e = errorFromSectigoCode(code, 'Server text', null, parserContext('AutoApplySSL', 'Placing the order', true))
    expect(e.errorClass).toBe(errorClass)
    expect(e.code).toBe(coreCode)
    expect(e.state).toBe(state)
    expect(e.sectigoCode).toBe(code)
    expect(e.phase).toBe('answered')
    expect(e.sentRequest).toBe(true)
    expect(e.message).toMatch(/^Placing the order failed: .+\. .+ Sectigo said: "Server text" \(code -?\d+\)\.$/)
    expect(e.toInfo().detail).toMatchObject({ sectigoCode: code, errorClass, endpoint: 'AutoApplySSL' })
  })

  it('marks only what may be retried for a purchase as retryable', () => {
    const purchase = parserContext('AutoApplySSL', 'Placing the order', true)
    const read = parserContext('CollectSSL', 'Checking the order', false)
    expect(errorFromSectigoCode(-14, null, null, read).retryable).toBe(true)
    expect(errorFromSectigoCode(-14, null, null, purchase).retryable).toBe(false)
    expect(errorFromSectigoCode(-42, null, null, purchase).retryable).toBe(true)
    expect(errorFromSectigoCode(-26, null, null, purchase).retryable).toBe(true)
    expect(errorFromSectigoCode(-16, null, null, read).retryable).toBe(false)
    expect(errorFromSectigoCode(-15, null, null, read).retryable).toBe(false)
  })

  it('reads the conflicting -35 by endpoint', () => {
    expect(errorFromSectigoCode(-35, null, null, parserContext('AutoRevokeSSL')).message).toContain('expired')
    expect(errorFromSectigoCode(-35, null, null, parserContext('AutoApplySSL')).message).toContain('IP address')
  })

  it('names the offending parameter for -2/-3/-4', () => {
    expect(errorFromSectigoCode(-3, null, 'csr', parserContext('AutoApplySSL')).message).toContain("'csr'")
  })

  it('scrubs a password the server echoes, raw or encoded, and caps the text', () => {
    const secret = 'p@ss word+1&x'
    const ctx = { ...parserContext('AutoApplySSL'), scrub: createScrubber([secret]) }
    const echoed = `bad login ${secret} / ${encodeURIComponent(secret)} / p%40ss+word%2B1%26x ${'x'.repeat(1000)}\u0007`
    const e = errorFromSectigoCode(-16, echoed, secret, ctx)
    for (const text of [e.message, e.serverMessage ?? '', e.errorItem ?? '', JSON.stringify(e.toInfo())]) {
      expect(text).not.toContain(secret)
      expect(text).not.toContain(encodeURIComponent(secret))
      expect(text).not.toContain('p%40ss+word%2B1%26x')
    }
    expect((e.serverMessage ?? '').length).toBeLessThanOrEqual(301)
    expect(e.serverMessage).not.toContain('\u0007')
  })
})
