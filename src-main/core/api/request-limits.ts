/**
 * How large one request may be on its way to dispatch. Both transports refuse an oversized request
 * before parsing it (app/ipc.ts measures its JSON, web/server.ts its body) against MAX_REQUEST_CHARS,
 * which is derived from the largest input the contract accepts: a file of MAX_IMPORT_BYTES sent as
 * base64 by certs.importBytes. So whatever the schemas accept gets through either front door, and a
 * file that is too large is refused by the import with its own message, not by a transport.
 */
import { MAX_IMPORT_BYTES } from '../pki/formats/limits'

/** Characters of padded base64 for `bytes` bytes: 4 for every 3 bytes, the last group padded. */
export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3)
}

/** The longest base64 certs.importBytes accepts: exactly a file of MAX_IMPORT_BYTES. */
export const MAX_IMPORT_BASE64_CHARS = base64Length(MAX_IMPORT_BYTES)

/** Largest pasted text a method accepts (a CSR is at most 32 KiB; PEM armour and slack on top). */
export const MAX_PASTE_CHARS = 64 * 1024

/** A file name chosen in the UI (contract.ts FILE_NAME). */
export const MAX_FILE_NAME_CHARS = 200
/** A password for a PKCS#12 file or an encrypted key (contract.ts PASSWORD). */
export const MAX_PASSWORD_CHARS = 1024

/**
 * JSON.stringify writes at most 6 characters for one UTF-16 unit (a control character or a lone
 * surrogate becomes `\u001f`), and the UTF-8 of its output is at most 6 bytes per unit as well.
 */
const MAX_WIRE_CHARS_PER_UNIT = 6
/** Property names, quotes, colons, commas and braces around an import's fields. */
const JSON_FRAMING_CHARS = 256

/** Room in a request for everything but the file's base64: its name and password, however spelled. */
export const REQUEST_OVERHEAD_CHARS =
  MAX_WIRE_CHARS_PER_UNIT * (MAX_FILE_NAME_CHARS + MAX_PASSWORD_CHARS) + JSON_FRAMING_CHARS

/**
 * The largest request either front door passes on: JSON characters over IPC, body bytes over HTTP.
 * Every other input is smaller: the next largest, orders.place with a 1,000-name CSR and 250 domains,
 * stays under 2.5 MB with every character escaped.
 */
export const MAX_REQUEST_CHARS = MAX_IMPORT_BASE64_CHARS + REQUEST_OVERHEAD_CHARS

/**
 * A value's size on the wire: the UTF-8 bytes of its JSON, which are never fewer than the JSON's
 * characters, so one number bounds what both transports measure.
 */
export function wireSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8')
}
