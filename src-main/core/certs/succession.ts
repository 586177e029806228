/**
 * The replacement rule (issue 12): when CertDesk may say a certificate is replaced, which takes it off
 * the due list, `certs expiring`, the dashboard and alerts. Only with evidence:
 *
 * 1. `user`: the user linked a successor (or confirmed a hint).
 * 2. `order`: a newer certificate, lasting at least as long, collected for the same order family: a
 *    reissue of its order, a renewal of it, or a renewal of a renewal (orders.parent_order_id,
 *    orders.renewed_from_order_id).
 * 3. `same-identity`: a newer certificate that lasts longer, with the same subject (so, for OV/EV, the
 *    same organisation), exactly the same names, from the same issuer (its organisation: a CA's next
 *    intermediate still counts; another CA does not, since a second CA's certificate for the same
 *    names is as often another server's as a successor).
 *
 * A certificate that merely covers the names (a wildcard for them, or one with more names) is never
 * evidence: it becomes a hint ("covered by *.example.com?") that the user confirms or dismisses. A
 * dismissed candidate ("not the successor") is excluded from every rule for that certificate, so the
 * user can also overrule 2 and 3 (two servers with their own certificate for the same names).
 */

export type SuccessionReason = 'order' | 'same-identity' | 'user'

/** What the rule compares, for one leaf certificate. */
export interface SuccessionFacts {
  id: string
  subjectHash: string
  /** The issuer as people name it (its O, else its CN, else the whole name): "same issuer". */
  issuerName: string
  /** Lower-case DNS names and IPs it answers for (namesOf). */
  names: readonly string[]
  notBefore: number
  notAfter: number
  /** The first order of its order family (reissues and renewals), or null when not collected by an order. */
  lineage: string | null
}

export interface UserDecision {
  otherId: string
  decision: 'successor' | 'not-successor'
}

export interface Succession {
  successor: { id: string; reason: SuccessionReason } | null
  /** A certificate that covers every name and lasts longer, offered as a question; null once replaced. */
  hintId: string | null
}

const REASON_RANK: Readonly<Record<SuccessionReason, number>> = { user: 3, order: 2, 'same-identity': 1 }

/** Every name a leaf answers for, lower-cased: DNS and IP SANs, and the CN when it is not among them. */
export function namesOf(c: { commonName: string | null; sans: readonly { type: string; value: string }[] }): string[] {
  const names = c.sans.filter((s) => s.type === 'dns' || s.type === 'ip').map((s) => s.value.toLowerCase())
  const cn = c.commonName?.toLowerCase()
  if (cn && !names.includes(cn)) names.push(cn)
  return [...new Set(names)]
}

/** True when `pattern` serves `name`: the same name, or a wildcard for exactly one left-most label. */
export function covers(pattern: string, name: string): boolean {
  if (pattern === name) return true
  if (!pattern.startsWith('*.')) return false
  const dot = name.indexOf('.')
  return dot > 0 && !name.startsWith('*') && name.slice(dot + 1) === pattern.slice(2)
}

/** The name without its first label ("www.example.com" -> "example.com"): what "*.example.com" covers. */
export function parentOf(name: string): string {
  const dot = name.indexOf('.')
  return dot > 0 ? name.slice(dot + 1) : ''
}

/** Issued after `c` (later notBefore; on a tie, a later notAfter). */
function newer(other: SuccessionFacts, c: SuccessionFacts): boolean {
  return other.notBefore > c.notBefore || (other.notBefore === c.notBefore && other.notAfter > c.notAfter)
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  const set = new Set(a)
  return b.every((n) => set.has(n))
}

/**
 * Why `other` replaces `c`, or null when nothing says it does. A successor never ends before what it
 * replaces (and a user's successor ends later), so following successors always moves forward in time:
 * no loop can take two certificates off the due list by naming each other.
 */
function evidence(c: SuccessionFacts, other: SuccessionFacts, linked: boolean): SuccessionReason | null {
  if (linked) return other.notAfter > c.notAfter ? 'user' : null
  if (!newer(other, c) || other.notAfter < c.notAfter) return null
  if (c.lineage !== null && other.lineage === c.lineage) return 'order'
  if (other.notAfter > c.notAfter && other.subjectHash === c.subjectHash && other.issuerName === c.issuerName && sameNames(c.names, other.names)) return 'same-identity'
  return null
}

/**
 * The successor of `c` among `candidates` (other leaves), or else a hint. Among successors the
 * strongest evidence wins (user, order, same identity), then the one lasting longest.
 */
export function successionOf(c: SuccessionFacts, candidates: readonly SuccessionFacts[], decisions: readonly UserDecision[]): Succession {
  const refused = new Set(decisions.filter((d) => d.decision === 'not-successor').map((d) => d.otherId))
  const linked = new Set(decisions.filter((d) => d.decision === 'successor').map((d) => d.otherId))
  let best: { facts: SuccessionFacts; reason: SuccessionReason } | null = null
  let hint: SuccessionFacts | null = null
  for (const other of candidates) {
    if (other.id === c.id || refused.has(other.id)) continue
    const reason = evidence(c, other, linked.has(other.id))
    if (reason) {
      const better = !best || REASON_RANK[reason] > REASON_RANK[best.reason] || (REASON_RANK[reason] === REASON_RANK[best.reason] && other.notAfter > best.facts.notAfter)
      if (better) best = { facts: other, reason }
    } else if (other.notAfter > c.notAfter && c.names.length > 0 && c.names.every((n) => other.names.some((p) => covers(p, n)))) {
      if (!hint || other.notAfter > hint.notAfter) hint = other
    }
  }
  if (best) return { successor: { id: best.facts.id, reason: best.reason }, hintId: null }
  return { successor: null, hintId: hint?.id ?? null }
}
