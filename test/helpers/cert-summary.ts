import { DAY_MS, dueStateOf, renewAt, renewalWindowDays } from '../../src-main/core/certs/expiry'
import type { CertificateSummary } from '../../src-main/core/certs/types'

/**
 * A leaf certificate summary as core lists it, expiring `daysLeft` days after `now` and valid for
 * `lifetime` days in all, for these DNS names (the first is the CN); `over` changes any field.
 */
export function leafSummary(
  now: Date,
  id: string,
  daysLeft: number,
  names: string[],
  over: Partial<CertificateSummary> = {},
  lifetime = 90,
): CertificateSummary {
  const notAfter = new Date(now.getTime() + daysLeft * DAY_MS).toISOString()
  const notBefore = new Date(Date.parse(notAfter) - lifetime * DAY_MS).toISOString()
  const due = renewAt(notBefore, notAfter)
  return {
    id,
    subject: `CN=${names[0] ?? ''}`,
    issuer: 'CN=Some CA',
    commonName: names[0] ?? null,
    sans: names.map((value) => ({ type: 'dns' as const, value })),
    serial: '01',
    notBefore,
    notAfter,
    fingerprintSha256: id.padEnd(64, '0'),
    spkiSha256: id.padEnd(64, '1'),
    keyAlgorithm: 'ec',
    keyId: null,
    hasKey: false,
    role: 'leaf',
    selfSigned: false,
    source: 'imported',
    orderId: null,
    createdAt: now.toISOString(),
    validity: daysLeft < 0 ? 'expired' : 'valid',
    daysLeft: Math.floor(daysLeft),
    renewalWindowDays: renewalWindowDays(notBefore, notAfter),
    renewAt: due,
    fingerprintSha1: id.padEnd(40, '0'),
    issuerName: 'Some CA',
    dueState: dueStateOf({ role: 'leaf', notAfter, renewAt: due, successorId: null }, now),
    successor: null,
    hint: null,
    chainComplete: null,
    accountId: null,
    tags: [],
    note: '',
    ...over,
  }
}
