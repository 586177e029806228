import { isIPv4, isIPv6 } from 'node:net'
import { once } from '../util/once'

/**
 * IP addresses as they appear in SANs: text in, 4 or 16 bytes in the CSR, RFC 5952 text out.
 */

/** Dotted quad without leading zeros (Node refuses those: "010" could mean octal). */
function parseV4(text: string): Buffer | null {
  if (!isIPv4(text)) return null
  return Buffer.from(text.split('.').map(Number))
}

function parseV6(text: string): Buffer | null {
  // Zone ids (fe80::1%eth0) are local to one host and cannot go in a certificate.
  if (text.includes('%') || !isIPv6(text)) return null
  let head = text
  let tailV4: Buffer | null = null
  const lastColon = text.lastIndexOf(':')
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseV4(text.slice(lastColon + 1))
    if (!tailV4) return null
    head = `${text.slice(0, lastColon + 1)}0:0`
  }
  const [left = '', right] = head.split('::')
  const leftGroups = left === '' ? [] : left.split(':')
  const rightGroups = right === undefined || right === '' ? [] : right.split(':')
  const missing = 8 - leftGroups.length - rightGroups.length
  const groups =
    right === undefined ? leftGroups : [...leftGroups, ...Array<string>(missing).fill('0'), ...rightGroups]
  if (groups.length !== 8) return null
  const out = Buffer.alloc(16)
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2))
  if (tailV4) tailV4.copy(out, 12)
  return out
}

export function parseIp(text: string): Buffer | null {
  return parseV4(text) ?? parseV6(text)
}

/** RFC 5952 text: lower case, longest run (2+) of zero groups compressed to "::". */
export function formatIp(bytes: Uint8Array): string | null {
  if (bytes.length === 4) return Array.from(bytes).join('.')
  if (bytes.length !== 16) return null
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0))
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestLen < 2) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`
}

/** Canonical text of an IP address, or null when the text is not one. */
export function normalizeIp(text: string): string | null {
  const bytes = parseIp(text)
  return bytes ? formatIp(bytes) : null
}

interface Range {
  prefix: Buffer
  bits: number
  why: string
}

function range(cidr: string, why: string): Range {
  const [addr = '', bits = ''] = cidr.split('/')
  const prefix = parseIp(addr)
  if (!prefix) throw new Error(`bad built-in range ${cidr}`)
  return { prefix, bits: Number(bits), why }
}

/**
 * IANA special-purpose ranges (RFC 6890 and its updates). Public CAs may not certify these
 * (CA/Browser Forum Baseline Requirements, "Reserved IP Address"). Parsed on first use: the first IPv6
 * parse compiles node:net's address pattern (about 10 ms), which a CLI listing should not pay.
 */
const reservedRanges = once((): readonly Range[] => [
  range('0.0.0.0/8', 'this network'),
  range('10.0.0.0/8', 'private (RFC 1918)'),
  range('100.64.0.0/10', 'carrier-grade NAT'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private (RFC 1918)'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', '6to4 relay'),
  range('192.168.0.0/16', 'private (RFC 1918)'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('::ffff:0:0/96', 'IPv4-mapped'),
  range('64:ff9b:1::/48', 'local NAT64'),
  range('100::/64', 'discard-only'),
  range('2001::/23', 'IETF protocol assignments'),
  range('2001:db8::/32', 'documentation'),
  range('3fff::/20', 'documentation'),
  range('fc00::/7', 'unique local (private)'),
  range('fe80::/10', 'link-local'),
  range('ff00::/8', 'multicast'),
])

function inRange(bytes: Buffer, r: Range): boolean {
  if (bytes.length !== r.prefix.length) return false
  const full = Math.floor(r.bits / 8)
  if (!bytes.subarray(0, full).equals(r.prefix.subarray(0, full))) return false
  const rest = r.bits % 8
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return ((bytes[full] ?? 0) & mask) === ((r.prefix[full] ?? 0) & mask)
}

/** Why an address is not publicly routable (e.g. "private (RFC 1918)"), or null for a public one. */
export function reservedIpReason(text: string): string | null {
  const bytes = parseIp(text)
  if (!bytes) return null
  return reservedRanges().find((r) => inRange(bytes, r))?.why ?? null
}
