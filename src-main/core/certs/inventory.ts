import { CoreError } from '../errors'
import { type CertificateFilter, iterateCertificates } from './query-service'
import type { CertDeps, CertificateSummary } from './types'

/**
 * The estate as files for other tools: an inventory (CSV, RFC 4180) for spreadsheets and audits, and an
 * expiry calendar (iCalendar, RFC 5545) for the calendar admins already watch (certbot#4084, xca's
 * ical export). Both of exactly the filtered set a list shows.
 */

export type InventoryFormat = 'csv' | 'ics'

/** Rows in one inventory file (ten times the estates CertDesk is measured with). */
export const MAX_INVENTORY_ROWS = 100_000
/** RFC 5545 3.1: content lines are folded at 75 octets. */
const ICAL_LINE_OCTETS = 75
const PRODID = '-//CertDesk//Certificate expiry//EN'

export interface InventoryFile {
  fileName: string
  mediaType: string
  bytes: Buffer
  rows: number
}

const CSV_COLUMNS: readonly [string, (c: CertificateSummary) => string | number | boolean | null][] = [
  ['id', (c) => c.id],
  ['common_name', (c) => c.commonName],
  ['names', (c) => c.sans.map((s) => s.value).join(' ')],
  ['subject', (c) => c.subject],
  ['issuer', (c) => c.issuer],
  ['issuer_name', (c) => c.issuerName],
  ['serial', (c) => c.serial],
  ['not_before', (c) => c.notBefore],
  ['not_after', (c) => c.notAfter],
  ['days_left', (c) => c.daysLeft],
  ['renew_from', (c) => c.renewAt],
  ['due_state', (c) => c.dueState],
  ['successor_id', (c) => c.successor?.id ?? null],
  ['successor_reason', (c) => c.successor?.reason ?? null],
  ['covered_by_id', (c) => c.hint?.id ?? null],
  ['role', (c) => c.role],
  ['has_key', (c) => c.hasKey],
  ['chain_complete', (c) => c.chainComplete],
  ['key_algorithm', (c) => c.keyAlgorithm],
  ['sha256', (c) => c.fingerprintSha256],
  ['sha1', (c) => c.fingerprintSha1],
  ['source', (c) => c.source],
  ['order_id', (c) => c.orderId],
  ['account_id', (c) => c.accountId],
  ['tags', (c) => c.tags.join('; ')],
  ['note', (c) => c.note],
]

/**
 * One CSV field. Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
 * leading apostrophe (OWASP CSV injection); numbers and booleans are written as they are.
 */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return ''
  if (typeof v !== 'string') return String(v)
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/** RFC 4180 with CRLF line ends, a header row and a UTF-8 byte order mark (so spreadsheets read names right). */
export function inventoryCsv(certs: Iterable<CertificateSummary>): { text: string; rows: number } {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')]
  let rows = 0
  for (const c of certs) {
    lines.push(CSV_COLUMNS.map(([, get]) => csvField(get(c))).join(','))
    rows++
  }
  return { text: `\ufeff${lines.join('\r\n')}\r\n`, rows }
}

/** RFC 5545 3.3.11 TEXT escaping. */
function icalText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n')
}

/** RFC 5545 3.1: lines longer than 75 octets continue on lines starting with a space, never inside a UTF-8 character. */
function fold(line: string): string {
  const out: string[] = []
  let current = ''
  let octets = 0
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8')
    const room = out.length === 0 ? ICAL_LINE_OCTETS : ICAL_LINE_OCTETS - 1
    if (octets + n > room) {
      out.push(current)
      current = ''
      octets = 0
    }
    current += ch
    octets += n
  }
  out.push(current)
  return out.join('\r\n ')
}

function icalDate(iso: string): string {
  return iso.slice(0, 10).replace(/-/g, '')
}

function nextDay(iso: string): string {
  return icalDate(new Date(Date.parse(iso.slice(0, 10)) + 86_400_000).toISOString())
}

function icalStamp(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`
}

function nameOf(c: CertificateSummary): string {
  return c.commonName ?? c.sans[0]?.value ?? c.subject
}

function allDayEvent(uid: string, day: string, summary: string, description: string, stamp: string): string[] {
  return [
    'BEGIN:VEVENT',
    `UID:${uid}`,
    `DTSTAMP:${stamp}`,
    `DTSTART;VALUE=DATE:${icalDate(day)}`,
    `DTEND;VALUE=DATE:${nextDay(day)}`,
    `SUMMARY:${icalText(summary)}`,
    `DESCRIPTION:${icalText(description)}`,
    'CATEGORIES:Certificates',
    'TRANSP:TRANSPARENT',
    'END:VEVENT',
  ]
}

/**
 * Two all-day events per certificate: "renew" on the day it falls due (renewAt, the A8 window) and
 * "expires" on its notAfter, both UTC dates. UIDs derive from the fingerprint, so importing a newer
 * calendar updates the events instead of doubling them.
 */
export function expiryCalendar(certs: Iterable<CertificateSummary>, now: Date): { text: string; rows: number } {
  const stamp = icalStamp(now)
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${PRODID}`, 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', 'X-WR-CALNAME:CertDesk certificate expiry']
  let rows = 0
  for (const c of certs) {
    const name = nameOf(c)
    const about = [
      `Names: ${c.sans.map((s) => s.value).join(', ') || '(none)'}`,
      `Issuer: ${c.issuerName}`,
      `Expires: ${c.notAfter}`,
      `Serial: ${c.serial}`,
      `SHA-256: ${c.fingerprintSha256}`,
      `CertDesk id: ${c.id}`,
      ...(c.note ? [`Note: ${c.note}`] : []),
    ].join('\n')
    lines.push(...allDayEvent(`${c.fingerprintSha256}-renew@certdesk`, c.renewAt, `Renew ${name} (expires ${c.notAfter.slice(0, 10)})`, about, stamp))
    lines.push(...allDayEvent(`${c.fingerprintSha256}-expires@certdesk`, c.notAfter, `Certificate expires: ${name}`, about, stamp))
    rows++
  }
  lines.push('END:VCALENDAR')
  return { text: `${lines.map(fold).join('\r\n')}\r\n`, rows }
}

/** The inventory of the certificates matching `filter` (urgency order), as one file. */
export function buildInventory(deps: CertDeps, filter: CertificateFilter, format: InventoryFormat): InventoryFile {
  const certs = (function* () {
    let n = 0
    for (const c of iterateCertificates(deps, filter, 'urgency', 'asc')) {
      if (++n > MAX_INVENTORY_ROWS) throw new CoreError('too_large', `The selection has more than ${MAX_INVENTORY_ROWS} certificates; narrow the filter.`)
      yield c
    }
  })()
  const day = deps.clock.now().toISOString().slice(0, 10)
  if (format === 'csv') {
    const { text, rows } = inventoryCsv(certs)
    return { fileName: `certdesk-inventory-${day}.csv`, mediaType: 'text/csv; charset=utf-8', bytes: Buffer.from(text, 'utf8'), rows }
  }
  const { text, rows } = expiryCalendar(certs, deps.clock.now())
  return { fileName: `certdesk-expiry-${day}.ics`, mediaType: 'text/calendar; charset=utf-8', bytes: Buffer.from(text, 'utf8'), rows }
}
