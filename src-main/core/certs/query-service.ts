import { encodePem } from '../pki/pem'
import { type CertificateRow, listCertificateRows } from '../store/certificates-repo'
import { findCsrsBySpki } from '../store/csrs-repo'
import { chainForParsed, parseStored, requireCertificate, roleOf, toChainView } from './chain-service'
import { DAY_MS, renewalWindowDays } from './expiry'
import type { CertDeps, CertificateDetail, CertificateRole, CertificateSummary, Validity } from './types'

export interface ListOptions {
  /** Only these roles (default: all). */
  roles?: CertificateRole[]
}

/** Every stored certificate, latest expiry first. */
export function listCertificates(deps: CertDeps, opts: ListOptions = {}): CertificateSummary[] {
  const now = deps.clock.now()
  const rows = listCertificateRows(deps.db).map((r) => summarize(r, now))
  return opts.roles ? rows.filter((r) => opts.roles?.includes(r.role)) : rows
}

/** One certificate with its chain, verified now against CertDesk's certificates and the system roots. */
export function getCertificate(deps: CertDeps, idOrFingerprint: string): CertificateDetail {
  const row = requireCertificate(deps.db, idOrFingerprint)
  const parsed = parseStored(row)
  const chain = chainForParsed(deps, parsed)
  return {
    ...summarize(row, deps.clock.now()),
    pem: encodePem('CERTIFICATE', row.der),
    chain: toChainView(deps.db, chain),
    matchingCsrIds: findCsrsBySpki(deps.db, row.spkiSha256).map((c) => c.id),
  }
}

export function summarize(r: CertificateRow, now: Date): CertificateSummary {
  const notAfter = new Date(r.notAfter)
  const notBefore = new Date(r.notBefore)
  const validity: Validity = now < notBefore ? 'not-yet-valid' : now > notAfter ? 'expired' : 'valid'
  return {
    id: r.id,
    subject: r.subject,
    issuer: r.issuer,
    commonName: r.commonName,
    sans: r.sans,
    serial: r.serial,
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    fingerprintSha256: r.fingerprintSha256,
    spkiSha256: r.spkiSha256,
    keyAlgorithm: r.keyAlgorithm,
    keyId: r.keyId,
    hasKey: r.keyId !== null,
    role: roleOf(r),
    selfSigned: r.selfSigned,
    source: r.source,
    orderId: r.orderId,
    createdAt: r.createdAt,
    validity,
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    renewalWindowDays: renewalWindowDays(r.notBefore, r.notAfter),
  }
}
