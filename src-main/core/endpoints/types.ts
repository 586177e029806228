import type { ServerPreset } from '../certs/presets'
import type { RevocationReport } from '../revocation/types'
import type { EndpointRow } from '../store/endpoints-repo'

/**
 * How the endpoint is spoken to before TLS: `tls` starts TLS at once (443, 465, 993, 995, ...); the
 * others send their STARTTLS command first (SMTP 25/587: EHLO then STARTTLS, RFC 3207; IMAP 143:
 * STARTTLS, RFC 3501; POP3 110: STLS, RFC 2595).
 */
export const ENDPOINT_PROTOCOLS = ['tls', 'smtp', 'imap', 'pop3'] as const
export type EndpointProtocol = (typeof ENDPOINT_PROTOCOLS)[number]

/**
 * The verdict of a check, one word a monitoring system can act on, from worst to best:
 * - invalid: clients refuse what is served (expired, not yet valid, revoked, wrong name, untrusted, bad signature)
 * - unreachable: no TLS handshake (refused, timeout, DNS, TLS alert, proxy or STARTTLS refused)
 * - mismatch: serves another certificate than it should (a renewal not deployed, another or an unknown one)
 * - chain: the chain as sent is wrong (intermediate missing, extra certificates, wrong order, root sent)
 * - due: all fine, but the served certificate is due for renewal
 * - ok
 */
export const VERDICTS = ['invalid', 'unreachable', 'mismatch', 'chain', 'due', 'ok'] as const
export type Verdict = (typeof VERDICTS)[number]

/** The worse of two verdicts (VERDICTS is ordered worst first). */
export function worseVerdict(a: Verdict, b: Verdict): Verdict {
  return VERDICTS.indexOf(a) <= VERDICTS.indexOf(b) ? a : b
}

export interface EndpointAddress {
  host: string
  port: number
  /** Server name sent in the handshake and checked against the certificate; null: the host (none for an IP address). */
  sni: string | null
  protocol: EndpointProtocol
}

/** One watched endpoint as lists show it: its row (store/endpoints-repo.ts) plus how to name it. */
export interface EndpointView extends Omit<EndpointRow, 'updatedAt'> {
  /** "host:port" (with the SNI name when it differs): how messages name it. */
  label: string
  certificateName: string | null
}

export type NetworkFailureKind = 'dns' | 'refused' | 'timeout' | 'reset' | 'tls-alert' | 'tls-error' | 'proxy' | 'starttls' | 'too-large'

/** Why no handshake happened: kept apart from certificate problems. */
export interface NetworkFailure {
  kind: NetworkFailureKind
  message: string
}

export type FindingCode =
  | 'not-deployed'
  | 'other-certificate'
  | 'unknown-certificate'
  | 'not-tracked'
  | 'missing-intermediate'
  | 'incomplete-chain'
  | 'extra-certificates'
  | 'wrong-order'
  | 'root-sent'
  | 'private-root'
  | 'untrusted-root'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'hostname-mismatch'
  | 'revoked'
  | 'revocation-unchecked'
  | 'due'
  | 'old-protocol'
  | 'order-unread'
  | 'unreadable-certificate'

/** One thing the check found; `severity` is the verdict it leads to, or info when it changes none. */
export interface Finding {
  code: FindingCode
  severity: Verdict | 'info'
  message: string
}

/** A certificate as the server sent it, in the order it was sent. */
export interface ServedCertificate {
  fingerprintSha256: string
  subject: string
  issuer: string
  notBefore: string
  notAfter: string
  /** The stored certificate's id when CertDesk holds it. */
  certificateId: string | null
  selfSigned: boolean
  isCa: boolean
  /** Whether it belongs to the leaf's chain (false: an extra the server should not send). */
  inChain: boolean
}

/** What to deploy to fix a finding, with the export that writes it. */
export interface Fix {
  kind: 'deploy-chain' | 'deploy-certificate' | 'link-certificate'
  /** The certificate to export, when CertDesk holds it. */
  certificateId: string | null
  text: string
  /** The certificates the server should send, in order (leaf first, no root). */
  certificates: { fingerprintSha256: string; subject: string }[]
  /** `certdesk export` commands writing the right files for each server preset. */
  presets: { preset: ServerPreset; label: string; command: string }[]
  /** The intermediates (PEM, public) to append after the certificate when it is not in CertDesk. */
  chainPem: string | null
}

export interface CheckResult {
  endpointId: string
  label: string
  checkedAt: string
  verdict: Verdict
  /** One sentence: the verdict and its main reason. */
  summary: string
  network: NetworkFailure | null
  /** "TLSv1.3"... null when no handshake happened. */
  protocol: string | null
  cipher: string | null
  /** Whether the server stapled an OCSP answer; null when no handshake happened. */
  ocspStapled: boolean | null
  /** Whether the certificate list is exactly as sent (read from the handshake), so its order could be judged. */
  chainAsSent: boolean
  served: ServedCertificate[]
  servedCertificateId: string | null
  /** What the endpoint should serve now: its linked certificate, or that certificate's newer linked one. */
  expectedCertificateId: string | null
  revocation: RevocationReport | null
  findings: Finding[]
  fixes: Fix[]
}

/** One row of an endpoint's history. */
export interface CheckHistoryEntry {
  checkedAt: string
  verdict: Verdict
  summary: string
  servedFingerprint: string | null
  servedCertificateId: string | null
}

export interface EndpointDetail extends EndpointView {
  lastResult: CheckResult | null
  history: CheckHistoryEntry[]
}

export interface CheckReport {
  /** The worst verdict of all results (ok when none). */
  verdict: Verdict
  results: CheckResult[]
}

export interface AddedEndpoints {
  added: EndpointView[]
  /** Names or lines not added, with the reason (already watched, a wildcard, not a host name...). */
  skipped: { input: string; reason: string }[]
}

/** How a certificate is deployed: "served by 3 endpoints; 1 still serves the old certificate". */
export interface DeploymentSummary {
  certificateId: string
  /** Endpoints linked to this certificate, or serving it, or serving an older certificate it replaces. */
  endpoints: EndpointView[]
  servingIt: number
  servingOlder: number
  servingOther: number
  unreachable: number
  notChecked: number
  text: string
}

/**
 * An endpoint whose current verdict is not ok: the extension point for alerts ("served certificate
 * differs from stored" and friends). Plain data, one row per endpoint.
 */
export interface EndpointProblem {
  endpointId: string
  label: string
  /** The certificate the endpoint should serve (null when none is linked). */
  certificateId: string | null
  /** What it served at the last check (null: unreachable, or not in CertDesk). */
  servedCertificateId: string | null
  verdict: Exclude<Verdict, 'ok'>
  /** When this verdict began (ISO time of the first check that gave it). */
  since: string
  /** The verdict before it; null when this is the endpoint's first verdict. */
  previousVerdict: Verdict | null
  summary: string
  checkedAt: string
}
