import { describe, expect, it } from 'vitest'
import { covers, EXPIRED_REPORT_DAYS, expiryReport, namesOf } from '../../../src-main/core/certs/expiry'
import type { CertificateSummary } from '../../../src-main/core/certs/types'

const NOW = new Date('2027-03-01T12:00:00Z')
const DAY = 86_400_000

/** A leaf summary expiring `days` from NOW, with these DNS names (the first is the CN). */
function leaf(id: string, days: number, names: string[], over: Partial<CertificateSummary> = {}): CertificateSummary {
  const notAfter = new Date(NOW.getTime() + days * DAY)
  return {
    id,
    subject: `CN=${names[0] ?? ''}`,
    issuer: 'CN=Some CA',
    commonName: names[0] ?? null,
    sans: names.map((value) => ({ type: 'dns' as const, value })),
    serial: '01',
    notBefore: new Date(NOW.getTime() - 300 * DAY).toISOString(),
    notAfter: notAfter.toISOString(),
    fingerprintSha256: id.padEnd(64, '0'),
    spkiSha256: id.padEnd(64, '1'),
    keyAlgorithm: 'ec',
    keyId: null,
    hasKey: false,
    role: 'leaf',
    selfSigned: false,
    source: 'imported',
    orderId: null,
    createdAt: NOW.toISOString(),
    validity: days < 0 ? 'expired' : 'valid',
    daysLeft: Math.floor(days),
    ...over,
  }
}

describe('covers', () => {
  it.each([
    ['www.example.com', 'www.example.com', true],
    ['*.example.com', 'www.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', '*.example.com', true],
    ['www.example.com', '*.example.com', false],
    ['*.example.com', 'wwwexample.com', false],
  ])('%s serves %s: %s', (pattern, name, expected) => {
    expect(covers(pattern, name)).toBe(expected)
  })
})

describe('expiryReport', () => {
  it('lists what expires within the window, soonest first, and leaves the rest out', () => {
    const r = expiryReport([leaf('late', 60, ['late.example.com']), leaf('b', 20, ['b.example.com']), leaf('a', 3, ['a.example.com'])], NOW, 30)
    expect(r.due.map((c) => c.id)).toEqual(['a', 'b'])
    expect(r.replaced).toEqual([])
    expect(r.withinDays).toBe(30)
    expect(r.checkedAt).toBe(NOW.toISOString())
  })

  it('keeps an unreplaced expired certificate for EXPIRED_REPORT_DAYS, then drops it as history', () => {
    const r = expiryReport([leaf('recent', -(EXPIRED_REPORT_DAYS - 1), ['r.example.com']), leaf('old', -(EXPIRED_REPORT_DAYS + 1), ['o.example.com'])], NOW, 30)
    expect(r.due.map((c) => c.id)).toEqual(['recent'])
  })

  it('moves a certificate to replaced when a later one serves every name, a wildcard included', () => {
    const r = expiryReport(
      [
        leaf('old', 10, ['www.example.com', 'api.example.com']),
        leaf('new', 380, ['*.example.com']),
        leaf('partial-old', 5, ['shop.example.net', 'pay.example.net']),
        leaf('partial-new', 200, ['shop.example.net']),
      ],
      NOW,
      30,
    )
    expect(r.replaced).toEqual([expect.objectContaining({ id: 'old', replacedById: 'new' }) as unknown])
    // A renewal that dropped a name does not replace the old certificate for that name.
    expect(r.due.map((c) => c.id)).toEqual(['partial-old'])
  })

  it('is not fooled by an expired or shorter-lived certificate for the same names, nor by intermediates', () => {
    const r = expiryReport(
      [
        leaf('due', 10, ['x.example.com']),
        leaf('sooner', 5, ['x.example.com']),
        leaf('dead', -400, ['x.example.com'], { validity: 'expired' }),
        leaf('ca', 2, ['Intermediate CA'], { role: 'intermediate' }),
      ],
      NOW,
      30,
    )
    // "sooner" is replaced by "due" (it lasts longer); "due" has nothing later, so it is due.
    expect(r.due.map((c) => c.id)).toEqual(['due'])
    expect(r.replaced.map((c) => [c.id, c.replacedById])).toEqual([['sooner', 'due']])
  })

  it('counts the CN as a name when the SANs leave it out', () => {
    expect(namesOf(leaf('x', 1, ['a.example.com'], { commonName: 'legacy.example.com' }))).toEqual(['a.example.com', 'legacy.example.com'])
  })
})
