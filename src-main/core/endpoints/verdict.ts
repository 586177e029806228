import { databasePool } from '../certs/chain-service'
import { covers, DAY_MS, renewalWindowDays } from '../certs/expiry'
import { buildChain, combinePools, poolOf, type ChainResult } from '../pki/chain/build-chain'
import type { TrustStore } from '../pki/chain/trust-store'
import { parseCertificate, type ParsedCertificate } from '../pki/formats/certificate'
import { isIpAddress } from '../pki/names'
import { normalizeIp } from '../pki/ip-address'
import type { RevocationReport } from '../revocation/types'
import { findCertificateByFingerprint, getCertificateRow, type CertificateRow } from '../store/certificates-repo'
import type { Db } from '../store/db'
import type { EndpointRow } from '../store/endpoints-repo'
import { formatUtcMinute } from '../util/clock'
import { endpointLabel } from './address'
import { certificateFix, chainFix, linkFix } from './fix-it'
import { MAX_SERVED_CERTIFICATES } from './limits'
import type { ProbeOutcome } from './probe'
import { newerLinkedCertificate } from './successor'
import { worseVerdict, type CheckResult, type Finding, type Fix, type ServedCertificate, type Verdict } from './types'

/**
 * The verdict on what an endpoint served, made only by CertDesk's own checks: the chain is built and
 * every signature verified by pki/chain/build-chain.ts (the handshake accepted anything), names are
 * matched against the SANs the way browsers do (RFC 6125: the common name is ignored), dates against
 * the clock, revocation by revocation-service.ts, and "which certificate" by fingerprint against the
 * store and its renewal links (successor.ts).
 *
 * Trust: a chain is trusted when it ends in a root of this computer's trust store, or in a root the
 * user keeps in CertDesk (a private CA: said so as a note). A root neither knows makes the certificate
 * invalid. Revocation is asked only for a chain anchored one of those two ways: the responder and
 * CRL addresses come from the certificate, and CertDesk fetches no address an unverified certificate
 * names.
 */
export interface JudgeDeps {
  db: Db
  trustStore: TrustStore
  now: Date
  /** Revocation of the served certificate; called only for an anchored chain. */
  revocation(cert: ParsedCertificate, issuer: ParsedCertificate, staple: Buffer | null): Promise<RevocationReport>
}

/** Outcome of judging, plus what the service may change: the certificate the endpoint should now be linked to. */
export interface Judgement {
  result: CheckResult
  /** Set when the link should move: to the served certificate once it is the renewal, or once nothing was linked. */
  relinkTo: string | null
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`
const nameOf = (c: { commonName: string | null; subject: string }): string => c.commonName ?? c.subject
const day = (iso: string | Date): string => formatUtcMinute(typeof iso === 'string' ? new Date(iso) : iso).slice(0, 10)

export async function judge(deps: JudgeDeps, endpoint: EndpointRow, probe: ProbeOutcome): Promise<Judgement> {
  const label = endpointLabel(endpoint)
  const base = {
    endpointId: endpoint.id,
    label,
    checkedAt: deps.now.toISOString(),
    expectedCertificateId: expectedFor(deps, endpoint.certificateId),
  }
  if (!probe.ok) {
    return {
      result: { ...base, verdict: 'unreachable', summary: `Unreachable: ${probe.failure.message}`, network: probe.failure, protocol: null, cipher: null, ocspStapled: null, chainAsSent: false, served: [], servedCertificateId: null, revocation: null, findings: [], fixes: [] },
      relinkTo: null,
    }
  }

  const findings: Finding[] = []
  const fixes: Fix[] = []
  const add = (f: Finding): void => void findings.push(f)
  const list = (probe.asSent ?? probe.peerChain).slice(0, MAX_SERVED_CERTIFICATES)
  const parsed: ParsedCertificate[] = []
  for (const [i, der] of list.entries()) {
    try {
      parsed.push(parseCertificate(der, i === 0 ? 'The served certificate' : `Certificate ${i + 1} the server sent`))
    } catch (e) {
      if (i === 0) {
        const msg = `The server's certificate could not be read: ${(e as Error).message}`
        return { result: { ...base, verdict: 'invalid', summary: `Invalid: ${msg}`, network: null, protocol: probe.protocol, cipher: probe.cipher, ocspStapled: probe.staple !== null, chainAsSent: probe.asSent !== null, served: [], servedCertificateId: null, revocation: null, findings: [{ code: 'unreadable-certificate', severity: 'invalid', message: msg }], fixes: [] }, relinkTo: null }
      }
      add({ code: 'extra-certificates', severity: 'chain', message: `Certificate ${i + 1} the server sends could not be read and was left out.` })
    }
  }
  const leaf = parsed[0] as ParsedCertificate
  const sentRest = parsed.slice(1)
  const chain = buildChain(leaf, combinePools(poolOf(sentRest), databasePool(deps.db)), deps.trustStore, deps.now)
  const inChain = new Set(chain.links.map((l) => l.cert.fingerprintSha256))
  const storedLeaf = findCertificateByFingerprint(deps.db, leaf.fingerprintSha256)
  const served: ServedCertificate[] = parsed.map((c) => ({
    fingerprintSha256: c.fingerprintSha256,
    subject: c.subject,
    issuer: c.issuer,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    certificateId: findCertificateByFingerprint(deps.db, c.fingerprintSha256)?.id ?? null,
    selfSigned: c.selfSigned,
    isCa: c.isCa,
    inChain: inChain.has(c.fingerprintSha256),
  }))

  // --- the certificate itself: dates, names ---
  if (deps.now > leaf.notAfter) add({ code: 'expired', severity: 'invalid', message: `The certificate expired on ${formatUtcMinute(leaf.notAfter)}.` })
  if (deps.now < leaf.notBefore) add({ code: 'not-yet-valid', severity: 'invalid', message: `The certificate is not valid until ${formatUtcMinute(leaf.notBefore)}.` })
  const name = endpoint.sni ?? endpoint.host
  if (!matchesName(leaf, name)) {
    const names = leaf.sans.filter((s) => s.type === 'dns' || s.type === 'ip').map((s) => s.value)
    add({ code: 'hostname-mismatch', severity: 'invalid', message: `The certificate is not for ${name}: it names ${names.length ? names.slice(0, 5).join(', ') + (names.length > 5 ? ', ...' : '') : 'no DNS names or addresses (clients ignore the common name)'}.` })
  }

  // --- the chain: trust, signatures, what is missing, extra, out of order ---
  const anchored = judgeChain(deps, chain, parsed, probe.asSent !== null, add)
  const chainProblems = findings.filter((f) => f.severity === 'chain' && f.code !== 'incomplete-chain')
  if (chainProblems.length > 0) fixes.push(chainFix(storedLeaf, chain.links.map((l) => l.cert)))

  // --- which certificate, and is it the one it should be ---
  let relinkTo: string | null = null
  const newer = storedLeaf ? newerLinkedCertificate(deps.db, storedLeaf.id, deps.now) : null
  const linked = endpoint.certificateId ? getCertificateRow(deps.db, endpoint.certificateId) : null
  const expectedId = base.expectedCertificateId
  if (newer && storedLeaf) {
    const text = `Renewed but not deployed: the server still serves ${nameOf(storedLeaf)} (${storedLeaf.id}, valid until ${day(storedLeaf.notAfter)}); its replacement ${newer.id} (valid until ${day(newer.notAfter)}) is not deployed.`
    add({ code: 'not-deployed', severity: 'mismatch', message: text })
    fixes.push(certificateFix(newer, `Deploy ${newer.id} in place of ${storedLeaf.id}.`))
  } else if (linked && storedLeaf && storedLeaf.id !== expectedId) {
    add({ code: 'other-certificate', severity: 'mismatch', message: `The server serves ${nameOf(storedLeaf)} (${storedLeaf.id}), not ${nameOf(linked)} (${expectedId ?? linked.id}) it is linked to.` })
    fixes.push(linkFix(expectedId ? getCertificateRow(deps.db, expectedId) : linked, storedLeaf))
  } else if (linked && !storedLeaf) {
    add({ code: 'unknown-certificate', severity: 'mismatch', message: `The server serves a certificate CertDesk does not hold (${nameOf(leaf)}, SHA-256 ${leaf.fingerprintSha256.slice(0, 16)}...), not ${nameOf(linked)} (${linked.id}).` })
    fixes.push(linkFix(expectedId ? getCertificateRow(deps.db, expectedId) : linked, null))
  } else if (!linked && !storedLeaf) {
    add({ code: 'not-tracked', severity: 'info', message: `The server's certificate (${nameOf(leaf)}) is not in CertDesk; import it to follow its expiry and renewal here.` })
  }
  if (storedLeaf && !newer && (!linked || storedLeaf.id === expectedId) && endpoint.certificateId !== storedLeaf.id) relinkTo = storedLeaf.id

  // --- due for renewal ---
  const daysLeft = Math.floor((leaf.notAfter.getTime() - deps.now.getTime()) / DAY_MS)
  const window = renewalWindowDays(leaf.notBefore.toISOString(), leaf.notAfter.toISOString())
  if (!newer && deps.now <= leaf.notAfter && daysLeft < window) add({ code: 'due', severity: 'due', message: `The served certificate expires in ${plural(daysLeft, 'day')} (${day(leaf.notAfter)}): due for renewal.` })

  // --- revocation (only where the chain is anchored: the URLs come from a verified certificate) ---
  let revocation: RevocationReport | null = null
  const issuer = chain.links[1]?.cert
  if (anchored && issuer) {
    revocation = await deps.revocation(leaf, issuer, probe.staple)
    if (revocation.status === 'revoked') add({ code: 'revoked', severity: 'invalid', message: revocation.summary })
    else if (revocation.status !== 'good') add({ code: 'revocation-unchecked', severity: 'info', message: revocation.summary })
  } else {
    add({ code: 'revocation-unchecked', severity: 'info', message: 'Revocation was not checked: the chain does not end in a root this computer or CertDesk trusts.' })
  }

  if (probe.protocol === 'TLSv1' || probe.protocol === 'TLSv1.1') add({ code: 'old-protocol', severity: 'info', message: `The server negotiated ${probe.protocol.replace('v', ' ')}, which current browsers refuse; enable TLS 1.2 or 1.3.` })

  const verdict = findings.reduce<Verdict>((v, f) => (f.severity === 'info' ? v : worseVerdict(v, f.severity)), 'ok')
  const first = findings.find((f) => f.severity === verdict)
  const summary = verdictSummary(verdict, first, storedLeaf)
  return {
    result: {
      ...base,
      verdict,
      summary,
      network: null,
      protocol: probe.protocol,
      cipher: probe.cipher,
      ocspStapled: probe.staple !== null,
      chainAsSent: probe.asSent !== null,
      served,
      servedCertificateId: storedLeaf?.id ?? null,
      // Not linked yet, but serving a certificate that has been replaced: the replacement is what it should serve.
      expectedCertificateId: expectedId ?? newer?.id ?? null,
      revocation,
      findings,
      fixes,
    },
    relinkTo,
  }
}

const VERDICT_WORD: Record<Verdict, string> = {
  invalid: 'Invalid',
  unreachable: 'Unreachable',
  mismatch: 'Wrong certificate',
  chain: 'Chain problem',
  due: 'Due for renewal',
  ok: 'OK',
}

function verdictSummary(verdict: Verdict, first: Finding | undefined, stored: CertificateRow | null): string {
  if (verdict === 'ok') return stored ? `OK: serves ${nameOf(stored)} (${stored.id}) with its complete chain.` : 'OK: a valid certificate with its complete chain.'
  return `${VERDICT_WORD[verdict]}: ${first?.message ?? ''}`.trim()
}

/** The certificate the endpoint should serve: its linked one, or that one's newest replacement. */
export function expectedFor(deps: Pick<JudgeDeps, 'db' | 'now'>, linkedId: string | null): string | null {
  if (!linkedId) return null
  return newerLinkedCertificate(deps.db, linkedId, deps.now)?.id ?? linkedId
}

/** DNS and IP SANs only, the way browsers match (RFC 6125 §6.4.4: no common-name fallback). */
export function matchesName(cert: ParsedCertificate, name: string): boolean {
  const wanted = name.toLowerCase()
  if (isIpAddress(wanted) !== 0) {
    const ip = normalizeIp(wanted)
    return cert.sans.some((s) => s.type === 'ip' && normalizeIp(s.value) === ip)
  }
  return cert.sans.some((s) => s.type === 'dns' && covers(s.value.toLowerCase().replace(/\.$/, ''), wanted))
}

/** Adds the chain findings; returns whether the chain is anchored (system trust store, or a root kept in CertDesk). */
function judgeChain(deps: JudgeDeps, chain: ChainResult, sent: ParsedCertificate[], asSent: boolean, add: (f: Finding) => void): boolean {
  const links = chain.links
  const top = links[links.length - 1]
  const sentFps = sent.map((c) => c.fingerprintSha256)
  const signatureTrouble = chain.status === 'bad-signature' || chain.status === 'not-a-ca' || chain.status === 'loop'
  if (signatureTrouble) add({ code: 'bad-signature', severity: 'invalid', message: `${chain.summary} ${chain.problems.join(' ')}`.trim() })
  for (const l of links.slice(1)) {
    if (deps.now > l.cert.notAfter) add({ code: 'expired', severity: 'invalid', message: `The ${l.role} "${l.cert.subject}" expired on ${formatUtcMinute(l.cert.notAfter)}.` })
  }
  let anchored = false
  if (top && top.cert.selfSigned && links.length > 1) {
    if (deps.trustStore.contains(top.cert.fingerprintSha256)) anchored = true
    else if (findCertificateByFingerprint(deps.db, top.cert.fingerprintSha256)) {
      anchored = true
      add({ code: 'private-root', severity: 'info', message: `The chain ends in "${top.cert.subject}", a root kept in CertDesk but not trusted by this computer (a private CA): clients need it installed.` })
    } else {
      add({ code: 'untrusted-root', severity: 'invalid', message: `The chain ends in "${top.cert.subject}", a root neither this computer nor CertDesk trusts: clients refuse it.` })
    }
  } else if (top && links.length > 1 && deps.trustStore.contains(top.cert.fingerprintSha256)) {
    anchored = true
  } else if (top && !top.cert.selfSigned) {
    add({ code: 'incomplete-chain', severity: 'chain', message: `The issuer "${top.cert.issuer}" of "${top.cert.subject}" is neither sent by the server nor known to CertDesk: clients without it fail. Import that intermediate into CertDesk to see the whole chain.` })
  } else if (top && links.length === 1 && top.cert.selfSigned) {
    add({ code: 'untrusted-root', severity: 'invalid', message: `The server sends a self-signed certificate ("${top.cert.subject}"): clients refuse it unless they trust it one by one.` })
  }
  if (signatureTrouble) return false

  const required = links.slice(1).filter((l) => !l.cert.selfSigned && !deps.trustStore.contains(l.cert.fingerprintSha256))
  const missing = required.filter((l) => !sentFps.includes(l.cert.fingerprintSha256))
  if (missing.length > 0) {
    add({ code: 'missing-intermediate', severity: 'chain', message: `The server does not send ${missing.length === 1 ? 'the intermediate' : `${missing.length} intermediates:`} ${missing.map((l) => `"${l.cert.subject}"`).join(', ')}; clients that do not have it already fail.` })
  }
  const chainFps = new Set(links.map((l) => l.cert.fingerprintSha256))
  const extras = sent.slice(1).filter((c) => !chainFps.has(c.fingerprintSha256))
  if (extras.length > 0) add({ code: 'extra-certificates', severity: 'chain', message: `The server also sends ${plural(extras.length, 'certificate')} that ${extras.length === 1 ? 'does' : 'do'} not belong to this chain: ${extras.map((c) => `"${c.subject}"`).join(', ')}.` })
  const roots = sent.slice(1).filter((c) => c.selfSigned && chainFps.has(c.fingerprintSha256))
  if (roots.length > 0) add({ code: 'root-sent', severity: 'chain', message: `The server sends the root "${roots[0]?.subject ?? ''}" too: clients use their own copy, so sending it only adds bytes to every handshake.` })
  if (!asSent) {
    add({ code: 'order-unread', severity: 'info', message: 'The certificate list could not be read exactly as sent, so its order was not judged.' })
  } else {
    const positions = sent.map((c) => links.findIndex((l) => l.cert.fingerprintSha256 === c.fingerprintSha256)).filter((i) => i >= 0)
    const ordered = positions.every((p, i) => i === 0 || p > (positions[i - 1] ?? -1))
    if (!ordered) add({ code: 'wrong-order', severity: 'chain', message: `The chain is sent in the wrong order (${sent.map((c) => `"${c.commonName ?? c.subject}"`).join(' → ')}); each certificate should be followed by its issuer.` })
  }
  return anchored
}
