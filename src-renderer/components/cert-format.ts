/**
 * Small pure helpers the Certificates section shares: expiry states, names from distinguished names,
 * and the words for roles, chain verdicts and file modes.
 */
import type { MethodOutput } from '../../src-main/core/api/contract'

export type CertificateSummary = MethodOutput<'certs.list'>['items'][number]
export type CertificateDetail = MethodOutput<'certs.get'>
export type ChainStatus = CertificateDetail['chain']['status']
export type CertificateRole = CertificateSummary['role']
export type ExpiryReport = MethodOutput<'certs.expiring'>
export type EstateSummary = MethodOutput<'certs.summary'>
export type ReplacedCertificate = EstateSummary['replaced'][number]

export type ExpiryState = 'expired' | 'not-yet-valid' | 'soon' | 'ok'

/** Amber ('soon') exactly when core counts the certificate as due for renewal (its renewalWindowDays). */
export function expiryState(c: Pick<CertificateSummary, 'validity' | 'daysLeft' | 'renewalWindowDays'>): ExpiryState {
  if (c.validity === 'expired') return 'expired'
  if (c.validity === 'not-yet-valid') return 'not-yet-valid'
  return c.daysLeft < c.renewalWindowDays ? 'soon' : 'ok'
}

const DAY = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })

/** The date alone, for tables: the time of day of an expiry is noise there (the detail shows it). */
export function formatDay(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : DAY.format(d)
}

/** "12 days left", "expires today", "expired 3 days ago". */
export function daysLeftText(daysLeft: number): string {
  if (daysLeft === 0) return 'expires today'
  if (daysLeft > 0) return `${daysLeft} day${daysLeft === 1 ? '' : 's'} left`
  const ago = -daysLeft
  return `expired ${ago} day${ago === 1 ? '' : 's'} ago`
}

/**
 * Splits an RFC 4514 string ("CN=a, O=b\, c") into attributes; a backslash escapes the next
 * character, so commas inside values do not split.
 */
export function dnAttributes(dn: string): { name: string; value: string }[] {
  const parts: string[] = []
  let current = ''
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i] as string
    if (ch === '\\' && i + 1 < dn.length) {
      current += dn[i + 1]
      i++
    } else if (ch === ',' || ch === '+') {
      parts.push(current)
      current = ''
    } else {
      current += ch
    }
  }
  parts.push(current)
  return parts
    .map((p) => p.trim())
    .filter((p) => p.includes('='))
    .map((p) => ({ name: p.slice(0, p.indexOf('=')).trim(), value: p.slice(p.indexOf('=') + 1).trim() }))
}

/** The name people use for a DN: its CN, else its O, else the whole string. */
export function dnDisplayName(dn: string): string {
  const attrs = dnAttributes(dn)
  return (
    attrs.find((a) => a.name.toUpperCase() === 'CN')?.value ??
    attrs.find((a) => a.name.toUpperCase() === 'O')?.value ??
    dn
  )
}

export function certificateName(c: Pick<CertificateSummary, 'commonName' | 'subject' | 'sans'>): string {
  return c.commonName ?? c.sans[0]?.value ?? dnDisplayName(c.subject)
}

export const ROLE_LABELS: Readonly<Record<CertificateRole, string>> = {
  leaf: 'Certificate',
  intermediate: 'Intermediate',
  root: 'Root',
}

export type Tone = 'ok' | 'warning' | 'error' | 'info'

export const CHAIN_STATUS: Readonly<Record<ChainStatus, { label: string; tone: Tone }>> = {
  trusted: { label: 'Trusted chain', tone: 'ok' },
  'untrusted-root': { label: 'Root not trusted here', tone: 'warning' },
  incomplete: { label: 'Incomplete chain', tone: 'warning' },
  expired: { label: 'Expired in chain', tone: 'error' },
  'not-yet-valid': { label: 'Not yet valid', tone: 'warning' },
  'bad-signature': { label: 'Signature does not verify', tone: 'error' },
  'not-a-ca': { label: 'Issuer is not a CA', tone: 'error' },
  loop: { label: 'Chain loops', tone: 'error' },
}

/** 0o600 → "0600". */
export function formatMode(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  return `${(bytes / 1024).toFixed(1)} KiB`
}

/** "1 intermediate", "2 intermediates". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/**
 * The stem core uses for default file names ("*.example.com" becomes "star.example.com"); mirrored
 * here so the name field shows what core would choose.
 */
export function exportBaseName(c: Pick<CertificateSummary, 'commonName' | 'fingerprintSha256'>): string {
  const name = c.commonName ?? `certificate-${c.fingerprintSha256.slice(0, 12)}`
  const s = name
    .replace(/^\*\./, 'star.')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[.]+/, '')
    .slice(0, 100)
  return s === '' ? 'certificate' : s
}

/** Decodes base64 into bytes for a Blob. */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Encodes bytes as base64 in chunks (String.fromCharCode with a spread has an argument limit). */
export function bytesToBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000
  let binary = ''
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK))
  }
  return btoa(binary)
}
