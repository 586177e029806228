import { isIPv4 } from 'node:net'
import { parseIp, reservedIpReason } from './ip-address'

/** RFC 1035: a label is at most 63 octets, a name at most 253 characters in text form. */
export const MAX_DNS_LABEL_LENGTH = 63
export const MAX_DNS_NAME_LENGTH = 253

/** Letters, digits and hyphens; no hyphen at either end (RFC 1123). Underscores are refused: CAs may not issue for them. */
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i

/**
 * Top-level and special-use names that never resolve on the public internet (RFC 6761, RFC 6762,
 * RFC 8375, ICANN's never-delegated "name collision" list). Public CAs refuse them.
 */
export const INTERNAL_SUFFIXES = [
  'localhost',
  'local',
  'internal',
  'lan',
  'home.arpa',
  'localdomain',
  'intranet',
  'private',
  'corp',
  'home',
  'mail',
  'test',
  'example',
  'invalid',
] as const

function stripRootDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name
}

/**
 * A syntactically valid host name for a certificate: LDH labels of 1 to 63 characters, 253 in all,
 * an internationalised label only as its A-label ("xn--..."), a top-level label that is not all
 * digits, and, when allowed, a wildcard only as the whole left-most label ("*.example.com").
 */
export function isValidDnsName(name: string, opts: { allowWildcard?: boolean } = {}): boolean {
  const bare = stripRootDot(name)
  if (bare.length === 0 || bare.length > MAX_DNS_NAME_LENGTH) return false
  const labels = bare.split('.')
  if (labels[0] === '*') {
    if (opts.allowWildcard !== true || labels.length < 2) return false
    labels.shift()
  }
  for (const label of labels) {
    if (label.length === 0 || label.length > MAX_DNS_LABEL_LENGTH || !LDH_LABEL.test(label)) return false
    // "ab--cd" is reserved for future IDNA prefixes; only "xn--" is a real one.
    if (label.slice(2, 4) === '--' && label.slice(0, 2).toLowerCase() !== 'xn') return false
  }
  const tld = labels[labels.length - 1] ?? ''
  return !/^[0-9]+$/.test(tld)
}

export function isIpAddress(s: string): 4 | 6 | 0 {
  const bytes = parseIp(s)
  if (!bytes) return 0
  return isIPv4(s) ? 4 : 6
}

/**
 * True for names and addresses only a private network can reach: single-label names, reserved
 * suffixes (localhost, .local, .internal, .lan, .home.arpa...), and private, loopback, link-local,
 * unique-local, documentation and other special-purpose IP addresses. Public CAs do not issue for them.
 */
export function isInternalName(name: string): boolean {
  const trimmed = stripRootDot(name.trim().toLowerCase())
  if (isIpAddress(trimmed) !== 0) return reservedIpReason(trimmed) !== null
  const bare = trimmed.startsWith('*.') ? trimmed.slice(2) : trimmed
  if (bare === '' || !bare.includes('.')) return true
  return INTERNAL_SUFFIXES.some((s) => bare === s || bare.endsWith(`.${s}`))
}
