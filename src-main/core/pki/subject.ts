import { domainToASCII } from 'node:url'
import { CoreError } from '../errors'
import { isIsoCountryCode } from './countries'
import { normalizeIp } from './ip-address'
import { MAX_DNS_LABEL_LENGTH, MAX_DNS_NAME_LENGTH, isValidDnsName } from './names'

export interface SubjectInput {
  cn?: string
  o?: string
  ou?: string
  l?: string
  st?: string
  c?: string
  email?: string
}

export type SubjectField = keyof SubjectInput
export const SUBJECT_FIELDS = [
  'cn',
  'o',
  'ou',
  'l',
  'st',
  'c',
  'email',
] as const satisfies readonly SubjectField[]

/** Upper bounds from RFC 5280 Appendix A (ub-common-name etc.), in characters. */
export const SUBJECT_LIMITS: Readonly<Record<SubjectField, number>> = {
  cn: 64,
  o: 64,
  ou: 64,
  l: 128,
  st: 128,
  c: 2,
  email: 255,
}

export const SUBJECT_FIELD_LABELS: Readonly<Record<SubjectField, string>> = {
  cn: 'Common name (CN)',
  o: 'Organization (O)',
  ou: 'Organizational unit (OU)',
  l: 'Locality (L)',
  st: 'State or province (ST)',
  c: 'Country (C)',
  email: 'Email address',
}

export type SanType = 'dns' | 'ip' | 'email'
export interface San {
  type: SanType
  value: string
}

/** Control characters have no place in a name and confuse every tool that prints one. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/
const EMAIL = /^[\x21-\x3f\x41-\x7e]+@[^@\s]+$/

export function characterCount(s: string): number {
  return [...s].length
}

export type SubjectProblem =
  | { field: SubjectField; kind: 'too-long'; limit: number; message: string }
  | { field: SubjectField; kind: 'bad-country' | 'bad-email' | 'bad-characters'; message: string }

/** Trims every field and drops empty ones; upper-cases C. Never throws. */
export function normalizeSubject(subject: SubjectInput): SubjectInput {
  const out: SubjectInput = {}
  for (const field of SUBJECT_FIELDS) {
    const raw = subject[field]
    const value = typeof raw === 'string' ? raw.trim() : ''
    if (value !== '') out[field] = field === 'c' ? value.toUpperCase() : value
  }
  return out
}

/** Every problem with a (normalised) subject, one per field at most. */
export function subjectProblems(subject: SubjectInput): SubjectProblem[] {
  const problems: SubjectProblem[] = []
  for (const field of SUBJECT_FIELDS) {
    const value = subject[field]
    if (value === undefined) continue
    const label = SUBJECT_FIELD_LABELS[field]
    if (CONTROL_CHARS.test(value)) {
      problems.push({
        field,
        kind: 'bad-characters',
        message: `${label} contains a control character (such as a line break); remove it.`,
      })
    } else if (field === 'c') {
      // Case is not what makes a code wrong; drafts are upper-cased, and CAs upper-case a CSR's C.
      if (!/^[A-Za-z]{2}$/.test(value) || !isIsoCountryCode(value.toUpperCase())) {
        const hint = value === 'UK' ? ' (the United Kingdom is GB)' : ''
        problems.push({
          field,
          kind: 'bad-country',
          message: `Country "${value}" is not an ISO 3166 two-letter code${hint}; use a code such as US, DE or GB.`,
        })
      }
    } else if (characterCount(value) > SUBJECT_LIMITS[field]) {
      const limit = SUBJECT_LIMITS[field]
      problems.push({
        field,
        kind: 'too-long',
        limit,
        message: `${label} is ${characterCount(value)} characters long; shorten it to at most ${limit}.`,
      })
    } else if (field === 'email' && !EMAIL.test(value)) {
      problems.push({
        field,
        kind: 'bad-email',
        message: `Email address "${value}" is not a plain ASCII address like admin@example.com.`,
      })
    }
  }
  return problems
}

/** Normalises and validates a subject; throws invalid_input naming the first bad field. */
export function validateSubject(subject: SubjectInput): SubjectInput {
  const normalized = normalizeSubject(subject)
  const [first] = subjectProblems(normalized)
  if (first) throw new CoreError('invalid_input', first.message, { detail: { field: first.field } })
  return normalized
}

export type DnsCheck =
  { ok: true; value: string } | { ok: false; kind: 'wildcard' | 'syntax'; reason: string }

/** Lower-cases, drops a trailing dot, converts Unicode to its A-label and says what is wrong if anything. */
export function checkDnsName(raw: string): DnsCheck {
  let name = raw.trim().toLowerCase()
  if (name.endsWith('.')) name = name.slice(0, -1)
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(name))
    return { ok: false, kind: 'syntax', reason: 'is a URL; give only the host name, such as www.example.com' }
  if (name === '') return { ok: false, kind: 'syntax', reason: 'is empty' }
  if (/[^\x20-\x7e]/.test(name) && !CONTROL_CHARS.test(name)) {
    const ascii = domainToASCII(name)
    if (ascii === '')
      return { ok: false, kind: 'syntax', reason: 'is not a valid internationalised domain name' }
    name = ascii
  }
  if (isValidDnsName(name, { allowWildcard: true })) return { ok: true, value: name }
  if (name.includes('*')) {
    return {
      ok: false,
      kind: 'wildcard',
      reason:
        'has a wildcard in the wrong place; a wildcard must be the whole left-most label, as in *.example.com',
    }
  }
  if (name.includes('_'))
    return {
      ok: false,
      kind: 'syntax',
      reason: 'contains an underscore, which public certificates may not carry',
    }
  if (name.length > MAX_DNS_NAME_LENGTH)
    return { ok: false, kind: 'syntax', reason: `is longer than ${MAX_DNS_NAME_LENGTH} characters` }
  const labels = name.split('.')
  if (labels.some((l) => l === ''))
    return { ok: false, kind: 'syntax', reason: 'has an empty label (two dots in a row, or a leading dot)' }
  if (labels.some((l) => l.length > MAX_DNS_LABEL_LENGTH))
    return { ok: false, kind: 'syntax', reason: `has a label longer than ${MAX_DNS_LABEL_LENGTH} characters` }
  if (/^[0-9.]+$/.test(name))
    return { ok: false, kind: 'syntax', reason: 'is neither an IP address nor a host name' }
  return {
    ok: false,
    kind: 'syntax',
    reason: 'is not a valid host name (use letters, digits, hyphens and dots only)',
  }
}

export type SanCheck = { ok: true; san: San } | { ok: false; kind: 'wildcard' | 'syntax'; reason: string }

const SAN_PREFIX = /^(dns|ip|ip address|email)\s*:\s*/i

/**
 * Reads one SAN entry as typed by a user: an IPv4/IPv6 address becomes an IP SAN, an address with
 * "@" (or "email:") an email SAN, anything else a DNS name. "DNS:" and "IP Address:" prefixes, as
 * OpenSSL prints them, are accepted.
 */
export function normalizeSanEntry(raw: string): SanCheck {
  const trimmed = raw.trim()
  const prefix = SAN_PREFIX.exec(trimmed)?.[1]?.toLowerCase()
  const value = prefix ? trimmed.slice((SAN_PREFIX.exec(trimmed)?.[0] ?? '').length) : trimmed
  const ip = prefix === 'dns' || prefix === 'email' ? null : normalizeIp(value)
  if (ip) return { ok: true, san: { type: 'ip', value: ip } }
  if (prefix === 'ip' || prefix === 'ip address')
    return { ok: false, kind: 'syntax', reason: 'is not a valid IPv4 or IPv6 address' }
  if (prefix === 'email' || (prefix === undefined && value.includes('@'))) {
    const at = value.lastIndexOf('@')
    const domain = checkDnsName(value.slice(at + 1))
    if (!EMAIL.test(value) || !domain.ok || domain.value.startsWith('*')) {
      return { ok: false, kind: 'syntax', reason: 'is not a valid email address' }
    }
    return { ok: true, san: { type: 'email', value: `${value.slice(0, at)}@${domain.value}` } }
  }
  const dns = checkDnsName(value)
  return dns.ok ? { ok: true, san: { type: 'dns', value: dns.value } } : dns
}

export function sanKey(san: San): string {
  return `${san.type}:${san.type === 'email' ? san.value.toLowerCase() : san.value}`
}

/**
 * Parses SAN entries (blank entries are skipped, duplicates dropped, order kept). Throws
 * invalid_input naming the first bad entry.
 */
export function parseSanList(values: readonly string[]): San[] {
  const seen = new Set<string>()
  const out: San[] = []
  values.forEach((raw, i) => {
    if (raw.trim() === '') return
    const checked = normalizeSanEntry(raw)
    if (!checked.ok) {
      throw new CoreError('invalid_input', `The name "${raw.trim()}" ${checked.reason}.`, {
        detail: { field: `sans[${i}]` },
      })
    }
    const key = sanKey(checked.san)
    if (seen.has(key)) return
    seen.add(key)
    out.push(checked.san)
  })
  return out
}

/** The SAN a common name stands for, or null when the CN is not a host name or IP address. */
export function sanForCommonName(cn: string): San | null {
  const ip = normalizeIp(cn.trim())
  if (ip) return { type: 'ip', value: ip }
  const dns = checkDnsName(cn)
  return dns.ok ? { type: 'dns', value: dns.value } : null
}

/**
 * Browsers match only SANs, so a CN that is a host name or IP must also be a SAN. Returns the SANs
 * with the CN put first when it is missing; the list is otherwise unchanged.
 */
export function ensureCnInSans(subject: SubjectInput, sans: readonly San[]): San[] {
  const cn = subject.cn?.trim()
  const cnSan = cn ? sanForCommonName(cn) : null
  if (!cnSan || sans.some((s) => sanKey(s) === sanKey(cnSan))) return [...sans]
  return [cnSan, ...sans]
}
