import { describe, expect, it } from 'vitest'
import { renewalPath, parseTermDate } from '../../../src-main/core/orders/order-term'
import { expectedCertificateDays, maxCertificateDays } from '../../../src-main/core/orders/validity-schedule'
import { isExactRef, newForeignRef } from '../../../src-main/core/orders/foreign-ref'
import { LoginThrottle, PUSH_LOCKOUT_MS, PUSH_MAX_FAILED_LOGINS, PUSH_FAILED_LOGIN_WINDOW_MS } from '../../../src-main/core/orders/push-receiver'
import { interpretCertificateStatus } from '../../../src-main/core/sectigo/certificate-status'

const NOW = new Date('2026-12-06T09:00:00Z')

describe('the CA/B Forum validity schedule (ballot SC-081)', () => {
  it('caps certificates at 398 days before 15 March 2026, then 200, 100 from 15 March 2027 and 47 from 15 March 2029', () => {
    expect(maxCertificateDays(new Date('2026-03-14T23:59:59Z'))).toBe(398)
    expect(maxCertificateDays(new Date('2026-03-15T00:00:00Z'))).toBe(200)
    expect(maxCertificateDays(new Date('2027-03-15T00:00:00Z'))).toBe(100)
    expect(maxCertificateDays(new Date('2029-03-15T00:00:00Z'))).toBe(47)
  })

  it('gives a certificate the shorter of the cap and what is left of the term', () => {
    expect(expectedCertificateDays(NOW, 365)).toBe(200)
    expect(expectedCertificateDays(NOW, 90)).toBe(90)
    expect(expectedCertificateDays(NOW, 365, new Date('2027-01-05T09:00:00Z'))).toBe(30)
  })
})

describe('reissue or renew', () => {
  const issued = { state: 'collected' as const, notAfter: '2027-06-24T09:00:00.000Z' }
  it('offers the free reissue while the term outlasts the certificate, and renewal once it does not', () => {
    expect(renewalPath({ ...issued, termEndAt: '2027-12-06T09:00:00.000Z', termSource: 'sectigo' }, NOW)).toEqual({
      kind: 'reissue',
      termEndsAt: '2027-12-06T09:00:00.000Z',
      estimated: false,
      label: 'Reissue (free, term runs until 2027-12-06)',
    })
    expect(renewalPath({ ...issued, termEndAt: '2027-06-28T09:00:00.000Z', termSource: 'sectigo' }, NOW)).toEqual({ kind: 'renew', label: 'Renew (a new purchase)' })
    expect(renewalPath({ ...issued, termEndAt: null, termSource: null }, NOW)?.kind).toBe('renew')
    expect(renewalPath({ ...issued, termEndAt: '2027-12-06T09:00:00.000Z', termSource: 'estimate' }, NOW)?.label).toBe('Reissue (free, term runs until 2027-12-06, estimated)')
    expect(renewalPath({ state: 'awaiting_validation', notAfter: null, termEndAt: '2027-12-06T09:00:00.000Z', termSource: 'sectigo' }, NOW)).toBeNull()
  })

  it('reads Sectigo term dates as Unix seconds or ISO dates, and ignores anything else', () => {
    expect(parseTermDate('1796400000')?.toISOString()).toBe('2026-12-04T16:00:00.000Z')
    expect(parseTermDate('2027-12-06')?.toISOString()).toBe('2027-12-06T00:00:00.000Z')
    expect(parseTermDate('next year')).toBeUndefined()
  })
})

describe('Sectigo certificate statuses', () => {
  it('decides by the published code first, then by the exact word; a word containing "valid" is not issued', () => {
    expect(interpretCertificateStatus({ code: 6, word: 'Whatever' }, NOW).status).toBe('issued')
    expect(interpretCertificateStatus({ word: 'Awaiting Validation' }, NOW).status).toBe('awaiting_validation')
    expect(interpretCertificateStatus({ word: 'Pending  validation' }, NOW).status).toBe('awaiting_validation')
    expect(interpretCertificateStatus({ word: 'Expired' }, NOW).status).toBe('expired')
    expect(interpretCertificateStatus({ word: 'Valid', notAfter: new Date('2026-01-01T00:00:00Z') }, NOW).status).toBe('expired')
    expect(interpretCertificateStatus({ desc: 'Rejected: CAA not authorized' }, NOW).status).toBe('rejected')
    expect(interpretCertificateStatus({ word: 'Invalid' }, NOW)).toEqual({ status: 'unknown', basis: 'none', text: 'Invalid' })
    expect(interpretCertificateStatus({ code: 99, word: 'Validating' }, NOW).status).toBe('unknown')
  })
})

describe('order references', () => {
  it('are letters and digits only, so a report filter matches them exactly; the older ord_ ids are not', () => {
    const refs = Array.from({ length: 50 }, newForeignRef)
    for (const r of refs) expect(r).toMatch(/^CD[A-Z2-9]{20}$/)
    expect(new Set(refs).size).toBe(50)
    expect(refs.every(isExactRef)).toBe(true)
    expect(isExactRef('ord_4f0kq8abcdefghjk')).toBe(false)
  })
})

describe('push login throttle', () => {
  it('locks an address out after repeated failures within the window, and only that address', () => {
    let t = 0
    const throttle = new LoginThrottle(() => t)
    for (let i = 0; i < PUSH_MAX_FAILED_LOGINS - 1; i++) throttle.failed('203.0.113.9')
    expect(throttle.lockedFor('203.0.113.9')).toBe(0)
    throttle.failed('203.0.113.9')
    expect(throttle.lockedFor('203.0.113.9')).toBe(PUSH_LOCKOUT_MS)
    expect(throttle.lockedFor('91.199.212.132')).toBe(0)
    t += PUSH_LOCKOUT_MS
    expect(throttle.lockedFor('203.0.113.9')).toBe(0)
    // Failures spread wider than the window never add up to a lockout.
    for (let i = 0; i < PUSH_MAX_FAILED_LOGINS * 2; i++) {
      t += PUSH_FAILED_LOGIN_WINDOW_MS / 2 + 1
      throttle.failed('198.51.100.7')
      if (i % 2 === 1) t += PUSH_FAILED_LOGIN_WINDOW_MS
    }
    expect(throttle.lockedFor('198.51.100.7')).toBe(0)
  })
})
