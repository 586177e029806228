import { isIP } from 'node:net'

/** Local parts Sectigo constructs approver addresses from (reference §4 EMAIL). */
export const APPROVER_LOCAL_PARTS = ['admin', 'administrator', 'hostmaster', 'postmaster', 'webmaster'] as const

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/
const MAX_NAME_CHARS = 253

export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '')
}

export function isIpAddress(name: string): boolean {
  return isIP(name) !== 0
}

export function isWildcard(name: string): boolean {
  return name.startsWith('*.')
}

/**
 * A public FQDN: at least two labels, LDH labels, a non-numeric TLD, optionally one leading `*.`.
 * Internal names (one label, `.local`-style) are refused, as a public CA must.
 */
export function isFqdn(name: string, opts: { allowWildcard: boolean }): boolean {
  let n = normalizeName(name)
  if (isWildcard(n)) {
    if (!opts.allowWildcard) return false
    n = n.slice(2)
  }
  if (n.length === 0 || n.length > MAX_NAME_CHARS) return false
  const labels = n.split('.')
  if (labels.length < 2) return false
  if (!labels.every((l) => LABEL.test(l))) return false
  const tld = labels[labels.length - 1] ?? ''
  return !/^\d+$/.test(tld)
}

/** The name DCV is performed on: the wildcard label removed. */
export function baseDomain(name: string): string {
  return normalizeName(name).replace(/^\*\./, '')
}

/**
 * Authorization Domain Names from the name itself down to two labels (no public-suffix list: the
 * sandbox treats the last two labels as the registered domain, so `a.co.uk` yields `co.uk` too).
 */
export function authorizationDomains(name: string): string[] {
  const labels = baseDomain(name).split('.')
  const out: string[] = []
  for (let i = 0; i <= labels.length - 2; i++) out.push(labels.slice(i).join('.'))
  return out
}

/** Every approver address for a name, as GetDCVEmailAddressList lists them (level N = N labels). */
export function approverAddresses(name: string): Array<{ level: number; address: string }> {
  const out: Array<{ level: number; address: string }> = []
  for (const adn of authorizationDomains(name).reverse()) {
    const level = adn.split('.').length
    for (const local of APPROVER_LOCAL_PARTS) out.push({ level, address: `${local}@${adn}` })
  }
  return out
}

export function isApproverFor(name: string, email: string): boolean {
  const e = email.trim().toLowerCase()
  return approverAddresses(name).some((a) => a.address === e)
}
