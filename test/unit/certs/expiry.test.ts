import { describe, expect, it } from 'vitest'
import {
  covers,
  DAY_MS,
  EXPIRED_REPORT_DAYS,
  EXPIRY_WARNING_DAYS,
  expiryReport,
  namesOf,
  renewalWindowDays,
} from '../../../src-main/core/certs/expiry'
import { leafSummary } from '../../helpers/cert-summary'

const NOW = new Date('2027-03-01T12:00:00Z')

/** A leaf summary expiring `days` from NOW: (id, days, names, over?, lifetime = 90). */
const leaf = leafSummary.bind(null, NOW)

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

describe('renewalWindowDays (A8: due with less than max(30 days, a third of the lifetime) left)', () => {
  it.each([
    [10, EXPIRY_WARNING_DAYS],
    [47, EXPIRY_WARNING_DAYS],
    [90, 30],
    [100, 33],
    [200, 66],
    [397, 132],
    [825, 275],
  ])('a %i-day certificate is due at %i days left', (lifetime, window) => {
    const notBefore = '2027-01-01T00:00:00.000Z'
    const notAfter = new Date(Date.parse(notBefore) + lifetime * DAY_MS).toISOString()
    expect(renewalWindowDays(notBefore, notAfter)).toBe(window)
  })

  it('falls back to EXPIRY_WARNING_DAYS for dates it cannot read', () => {
    expect(renewalWindowDays('not a date', '2027-01-01T00:00:00Z')).toBe(EXPIRY_WARNING_DAYS)
  })
})

describe('expiryReport', () => {
  it("without a window, uses each certificate's own: a longer lifetime is due earlier", () => {
    const certs = [
      leaf('year-100-left', 100, ['year.example.com'], {}, 397),
      leaf('year-140-left', 140, ['year2.example.com'], {}, 397),
      leaf('d200-60-left', 60, ['half.example.com'], {}, 200),
      leaf('d90-31-left', 31, ['ninety.example.com'], {}, 90),
      leaf('d90-29-left', 29, ['ninety2.example.com'], {}, 90),
    ]
    const r = expiryReport(certs, NOW, null)
    expect(r.withinDays).toBeNull()
    expect(r.due.map((c) => c.id)).toEqual(['d90-29-left', 'd200-60-left', 'year-100-left'])
    // An explicit window overrides the per-certificate one, both ways.
    expect(expiryReport(certs, NOW, 30).due.map((c) => c.id)).toEqual(['d90-29-left'])
    expect(expiryReport(certs, NOW, 150).due).toHaveLength(5)
  })

  it('lists what expires within the window, soonest first, and leaves the rest out', () => {
    const r = expiryReport(
      [
        leaf('late', 60, ['late.example.com']),
        leaf('b', 20, ['b.example.com']),
        leaf('a', 3, ['a.example.com']),
      ],
      NOW,
      30,
    )
    expect(r.due.map((c) => c.id)).toEqual(['a', 'b'])
    expect(r.replaced).toEqual([])
    expect(r.withinDays).toBe(30)
    expect(r.checkedAt).toBe(NOW.toISOString())
  })

  it('keeps an unreplaced expired certificate for EXPIRED_REPORT_DAYS, then drops it as history', () => {
    const r = expiryReport(
      [
        leaf('recent', -(EXPIRED_REPORT_DAYS - 1), ['r.example.com']),
        leaf('old', -(EXPIRED_REPORT_DAYS + 1), ['o.example.com']),
      ],
      NOW,
      30,
    )
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
    expect(namesOf(leaf('x', 1, ['a.example.com'], { commonName: 'legacy.example.com' }))).toEqual([
      'a.example.com',
      'legacy.example.com',
    ])
  })
})
