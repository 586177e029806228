import { assertNever } from '../util/assert-never'
import type { DecodedCsr } from './csr-decode'
import { normalizeIp, reservedIpReason } from './ip-address'
import { describeKeyType, type KeyType, type PublicKeyInfo } from './keys'
import { INTERNAL_SUFFIXES, isIpAddress } from './names'
import {
  normalizeSanEntry,
  normalizeSubject,
  sanForCommonName,
  sanKey,
  subjectProblems,
  type San,
  type SanCheck,
  type SubjectInput,
} from './subject'

export type LintSeverity = 'error' | 'warning' | 'info'

export interface LintFinding {
  /** Stable rule id (LINT_RULES). */
  id: LintRuleId
  severity: LintSeverity
  /** One sentence a user understands, saying what to do. */
  message: string
  /** 'cn' | 'o' | 'ou' | 'l' | 'st' | 'c' | 'email' | 'sans[3]' | 'key' | 'signature' */
  field?: string
}

/** Every rule with its severity; ids are stable (the UI and tests refer to them). */
export const LINT_RULES = {
  'signature-invalid': 'error',
  'weak-signature-hash': 'error',
  'rsa-too-small': 'error',
  'rsa-too-large': 'error',
  // P-521 is an error too: Mozilla's Root Store Policy (§5.1) admits only P-256 and P-384 keys, and
  // Chrome's BoringSSL dropped P-521 from TLS, so a public CA will not issue for it.
  'curve-not-allowed': 'error',
  'algorithm-not-allowed': 'error',
  'cn-missing-and-no-san': 'error',
  'cn-not-in-sans': 'warning',
  'no-san': 'warning',
  'wildcard-misplaced': 'error',
  'wildcard-on-public-suffix-like': 'error',
  'invalid-hostname': 'error',
  'internal-name': 'error',
  // The same names in the explicit "internal CA" mode: a private CA may certify them, Sectigo never will.
  'internal-name-private-ca': 'warning',
  'duplicate-san': 'warning',
  'ip-in-cn': 'warning',
  'subject-field-too-long': 'error',
  'subject-field-invalid': 'error',
  'bad-country': 'error',
  'email-in-subject': 'info',
  'too-many-sans': 'warning',
} as const satisfies Record<string, LintSeverity>

export type LintRuleId = keyof typeof LINT_RULES

/** CA/Browser Forum Baseline Requirements §6.1.5: RSA moduli of at least 2048 bits. */
export const MIN_RSA_BITS = 2048
/** Sectigo refuses RSA keys above 8192 bits (DecodeCSR changelog v1.04). */
export const MAX_RSA_BITS = 8192
/** Curves a public TLS CA certifies (Mozilla Root Store Policy §5.1). */
export const ALLOWED_EC_CURVES: readonly string[] = ['P-256', 'P-384']
/** Sectigo multi-domain certificates carry at most 250 names. */
export const MAX_SANS = 250
/** Digests that no public CA accepts for a CSR signature (collisions are practical). */
export const WEAK_HASHES: readonly string[] = ['md2', 'md4', 'md5', 'sha1']

/**
 * Labels that, with a two-letter country code after them, form a public suffix in many ccTLDs
 * (co.uk, com.au, or.jp...). Without the full Public Suffix List this catches the common cases.
 */
const GENERIC_SECOND_LEVEL = new Set([
  'ac',
  'co',
  'com',
  'edu',
  'go',
  'gob',
  'gov',
  'gv',
  'ltd',
  'me',
  'mil',
  'ne',
  'net',
  'nic',
  'or',
  'org',
  'plc',
  'sch',
])

type Mode = 'draft' | 'csr'

/**
 * Who the CSR is for. 'public' (the default): a public CA such as Sectigo, which refuses private names.
 * 'internal': a private CA the user runs, which may certify .local names, single labels and private
 * addresses; those become warnings. Ordering from Sectigo always lints as 'public'.
 */
export type CsrPurpose = 'public' | 'internal'
export const CSR_PURPOSES: readonly CsrPurpose[] = ['public', 'internal']

interface SanEntry {
  field: string
  /** The name as the user typed it or the CSR holds it. */
  shown: string
  check: SanCheck
  /** True for a CSR's dNSName entry (an IP address there is a mistake worth naming). */
  declaredDns?: boolean
}

interface LintTarget {
  mode: Mode
  purpose: CsrPurpose
  key: Pick<PublicKeyInfo, 'algorithm' | 'bits' | 'curve' | 'rsaPss'>
  subject: SubjectInput
  sans: SanEntry[]
  signature: { valid: boolean; name: string; hash: string | null } | null
}

function finding(id: LintRuleId, message: string, field?: string): LintFinding {
  return { id, severity: LINT_RULES[id], message, ...(field === undefined ? {} : { field }) }
}

function lintKey(t: LintTarget, out: LintFinding[]): void {
  const { algorithm, bits, curve, rsaPss } = t.key
  switch (algorithm) {
    case 'rsa':
      if (rsaPss === true) {
        out.push(
          finding(
            'algorithm-not-allowed',
            'The key is an RSA-PSS-only key, which public CAs do not certify; make a new RSA or ECDSA key.',
            'key',
          ),
        )
      } else if (bits !== null && bits < MIN_RSA_BITS) {
        out.push(
          finding(
            'rsa-too-small',
            `The RSA key has ${bits} bits; public CAs require at least ${MIN_RSA_BITS}, so make a new key of 2048 bits or more.`,
            'key',
          ),
        )
      } else if (bits !== null && bits > MAX_RSA_BITS) {
        out.push(
          finding(
            'rsa-too-large',
            `The RSA key has ${bits} bits; Sectigo accepts at most ${MAX_RSA_BITS}, so make a new key of 2048 to 4096 bits.`,
            'key',
          ),
        )
      }
      return
    case 'ec':
      if (curve === null || !ALLOWED_EC_CURVES.includes(curve)) {
        out.push(
          finding(
            'curve-not-allowed',
            `The key uses the curve ${curve ?? '(unnamed)'}; public CAs accept only P-256 and P-384, so make a new key on one of those.`,
            'key',
          ),
        )
      }
      return
    case 'ed25519':
    case 'ed448':
    case 'dsa':
    case 'unknown': {
      const name =
        algorithm === 'unknown'
          ? 'an unknown algorithm'
          : algorithm === 'dsa'
            ? 'DSA'
            : algorithm === 'ed25519'
              ? 'Ed25519'
              : 'Ed448'
      out.push(
        finding(
          'algorithm-not-allowed',
          `The key uses ${name}, which public CAs do not issue certificates for; make a new RSA or ECDSA (P-256/P-384) key.`,
          'key',
        ),
      )
      return
    }
    default:
      assertNever(algorithm, 'key algorithm')
  }
}

function lintSignature(t: LintTarget, out: LintFinding[]): void {
  if (!t.signature) return
  if (!t.signature.valid) {
    out.push(
      finding(
        'signature-invalid',
        'The CSR signature does not verify, so it was altered or damaged after it was made; make a new CSR from its key.',
        'signature',
      ),
    )
  }
  if (t.signature.hash !== null && WEAK_HASHES.includes(t.signature.hash)) {
    out.push(
      finding(
        'weak-signature-hash',
        `The CSR is signed with ${t.signature.hash.toUpperCase()}, which CAs refuse; make a new CSR signed with SHA-256.`,
        'signature',
      ),
    )
  }
}

function lintSubject(t: LintTarget, out: LintFinding[]): void {
  for (const p of subjectProblems(t.subject)) {
    switch (p.kind) {
      case 'too-long':
        out.push(finding('subject-field-too-long', p.message, p.field))
        break
      case 'bad-country':
        out.push(finding('bad-country', p.message, p.field))
        break
      case 'bad-email':
      case 'bad-characters':
        out.push(finding('subject-field-invalid', p.message, p.field))
        break
      default:
        assertNever(p, 'subject problem')
    }
  }
  if (t.subject.email !== undefined) {
    out.push(
      finding(
        'email-in-subject',
        'Public CAs drop the email address from TLS certificates, so you can leave it out.',
        'email',
      ),
    )
  }
}

function publicSuffixLike(base: string): boolean {
  const labels = base.split('.')
  if (labels.length === 1) return true
  const [second = '', tld = ''] = labels
  return labels.length === 2 && tld.length === 2 && GENERIC_SECOND_LEVEL.has(second)
}

function internalReason(san: San): string | null {
  if (san.type === 'ip') {
    const why = reservedIpReason(san.value)
    return why ? `a ${why} address` : null
  }
  if (san.type !== 'dns') return null
  const bare = san.value.startsWith('*.') ? san.value.slice(2) : san.value
  if (!bare.includes('.')) return 'a single-label name that only a local network can resolve'
  const suffix = INTERNAL_SUFFIXES.find((s) => bare === s || bare.endsWith(`.${s}`))
  return suffix ? `under ".${suffix}", which only a local network can resolve` : null
}

/** Checks of one name (a SAN entry, or the CN when it is not among the SANs). */
function lintName(entry: SanEntry, purpose: CsrPurpose, out: LintFinding[]): void {
  const { check, field, shown } = entry
  if (!check.ok) {
    if (check.kind === 'wildcard')
      out.push(finding('wildcard-misplaced', `"${shown}" ${check.reason}.`, field))
    else if (entry.declaredDns === true && isIpAddress(shown) !== 0) {
      out.push(
        finding(
          'invalid-hostname',
          `"${shown}" is an IP address listed as a DNS name; list it as an IP address SAN instead.`,
          field,
        ),
      )
    } else out.push(finding('invalid-hostname', `"${shown}" ${check.reason}.`, field))
    return
  }
  const san = check.san
  if (san.type === 'dns' && san.value.startsWith('*.') && publicSuffixLike(san.value.slice(2))) {
    out.push(
      finding(
        'wildcard-on-public-suffix-like',
        `"${san.value}" would cover a whole public suffix, which CAs refuse; use a wildcard under your own domain, such as *.example.${san.value.slice(2)}.`,
        field,
      ),
    )
    return
  }
  const why = internalReason(san)
  if (!why) return
  switch (purpose) {
    case 'public':
      out.push(
        finding(
          'internal-name',
          `"${san.value}" is ${why}; public CAs do not issue certificates for it, so remove it or use a private CA.`,
          field,
        ),
      )
      return
    case 'internal':
      out.push(
        finding(
          'internal-name-private-ca',
          `"${san.value}" is ${why}: fine for your internal CA, but no public CA (Sectigo included) will certify it.`,
          field,
        ),
      )
      return
    default:
      assertNever(purpose, 'CSR purpose')
  }
}

function lintNames(t: LintTarget, out: LintFinding[]): void {
  const cn = t.subject.cn
  const valid = t.sans.flatMap((e) => (e.check.ok ? [e.check.san] : []))
  const validKeys = new Set(valid.map(sanKey))
  // The common name's own findings come first, so that no later advice contradicts them: a common name
  // with an error is never "added to the SANs", and an IP already listed as a SAN is not asked for again.
  const cnFindings: LintFinding[] = []
  const cnSanOfName = cn === undefined ? null : sanForCommonName(cn)
  const cnInSans = cnSanOfName !== null && validKeys.has(sanKey(cnSanOfName))
  if (cn !== undefined && !cnInSans) {
    lintName({ field: 'cn', shown: cn, check: cnSanOfName ? { ok: true, san: cnSanOfName } : normalizeSanEntry(`dns:${cn}`) }, t.purpose, cnFindings)
  }
  const cnBroken = cnFindings.some((f) => f.severity === 'error')

  if (t.sans.length === 0) {
    if (cn === undefined) {
      out.push(
        finding(
          'cn-missing-and-no-san',
          'There is no common name and no SAN, so the request names nothing to certify; add the domain names as SANs.',
          'sans',
        ),
      )
    } else {
      const cnSan = cnSanOfName
      const hint = !cnSan || cnBroken
        ? 'add the domain names as SANs'
        : t.mode === 'draft'
          ? `the common name ${cnSan.value} will be added as one`
          : `make a new CSR that lists ${cnSan.value} as a SAN`
      out.push(
        finding(
          'no-san',
          `There are no subject alternative names (SANs) and browsers ignore the common name, so ${hint}.`,
          'sans',
        ),
      )
    }
  }
  if (t.sans.length > MAX_SANS) {
    out.push(
      finding(
        'too-many-sans',
        `There are ${t.sans.length} names; a Sectigo certificate holds at most ${MAX_SANS}, so split them over several certificates.`,
        'sans',
      ),
    )
  }

  if (cn !== undefined) {
    const cnSan = cnSanOfName
    if (cnSan?.type === 'ip') {
      // An address with its own error (a private one) is not to be listed anywhere: no advice to add it.
      const advice = cnInSans ? ', and it is already listed as an IP SAN' : cnBroken ? '' : ', and list the address as an IP SAN'
      out.push(
        finding(
          'ip-in-cn',
          `The common name is the IP address ${cnSan.value}; use a host name as the common name${advice}.`,
          'cn',
        ),
      )
    }
    out.push(...cnFindings)
    if (cnSan && !cnInSans && !cnBroken && t.sans.length > 0) {
      const fix = t.mode === 'draft' ? 'it will be added' : 'make a new CSR that lists it'
      out.push(
        finding(
          'cn-not-in-sans',
          `The common name ${cnSan.value} is not among the SANs, and browsers check only SANs; ${fix}.`,
          'cn',
        ),
      )
    }
  }

  const seen = new Set<string>()
  for (const entry of t.sans) {
    lintName(entry, t.purpose, out)
    if (!entry.check.ok) continue
    const key = sanKey(entry.check.san)
    if (seen.has(key)) {
      const what = t.mode === 'draft' ? 'the copy will be dropped' : 'the certificate will list it once'
      out.push(
        finding(
          'duplicate-san',
          `"${entry.check.san.value}" is listed more than once; ${what}.`,
          entry.field,
        ),
      )
    }
    seen.add(key)
  }
}

function lint(t: LintTarget): LintFinding[] {
  const out: LintFinding[] = []
  lintSignature(t, out)
  lintKey(t, out)
  lintSubject(t, out)
  lintNames(t, out)
  const rank: Record<LintSeverity, number> = { error: 0, warning: 1, info: 2 }
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank[a.f.severity] - rank[b.f.severity] || a.i - b.i)
    .map(({ f }) => f)
}

function csrSubject(csr: DecodedCsr): SubjectInput {
  const s = csr.subject
  const out: SubjectInput = {}
  for (const [field, value] of [
    ['cn', s.cn],
    ['o', s.o],
    ['ou', s.ou],
    ['l', s.l],
    ['st', s.st],
    ['c', s.c],
    ['email', s.email],
  ] as const) {
    if (value !== null) out[field] = value
  }
  return out
}

/** Checks a decoded CSR against what a public CA (Sectigo) will accept, or an internal CA, errors first. */
export function lintCsr(csr: DecodedCsr, purpose: CsrPurpose = 'public'): LintFinding[] {
  return lint({
    mode: 'csr',
    purpose,
    key: csr.publicKey,
    subject: csrSubject(csr),
    sans: csr.sans.map((san, i) => {
      // An IP SAN is bytes, always well-formed; DNS and email names are re-checked as text.
      const check: SanCheck =
        san.type === 'ip' && normalizeIp(san.value)
          ? { ok: true, san }
          : normalizeSanEntry(`${san.type}:${san.value}`)
      return { field: `sans[${i}]`, shown: san.value, check, declaredDns: san.type === 'dns' }
    }),
    signature: { valid: csr.signatureValid, name: csr.signatureAlgorithm, hash: csr.signatureHash ?? null },
  })
}

/** The same rules for a form before any CSR exists; `field` points at the input to mark. */
export function lintDraft(input: {
  keyType: KeyType
  subject: SubjectInput
  sans: readonly string[]
  /** Default 'public'. */
  purpose?: CsrPurpose
}): LintFinding[] {
  const sans: SanEntry[] = []
  input.sans.forEach((raw, i) => {
    if (raw.trim() !== '')
      sans.push({ field: `sans[${i}]`, shown: raw.trim(), check: normalizeSanEntry(raw) })
  })
  return lint({
    mode: 'draft',
    purpose: input.purpose ?? 'public',
    key: describeKeyType(input.keyType),
    subject: normalizeSubject(input.subject),
    sans,
    signature: null,
  })
}
