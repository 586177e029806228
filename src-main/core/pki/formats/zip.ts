import { CoreError } from '../../errors'
import { MAX_ZIP_ENTRIES, MAX_ZIP_ENTRY_BYTES, MAX_ZIP_TOTAL_BYTES } from './limits'

/**
 * The one ZIP reader for every archive CertDesk reads: the ones CAs mail out (a .crt, a .ca-bundle, a
 * few intermediates) and the ones CollectSSL may answer with. Stored or deflated entries, no
 * encryption, no ZIP64. Sizes are checked against the caps before inflating, inflation itself stops at
 * the cap (maxOutputLength), and every entry's CRC-32 is checked, so a zip bomb or a damaged archive
 * is an error, not a memory spike. (fflate stays only where ZIPs are written: bulk
 * export and the Sandbox CA's bundles.)
 */

export interface ZipEntry {
  name: string
  data: Buffer
}

/** How much one archive may hold; each caller names its own (imports, a CollectSSL answer). */
export interface ZipLimits {
  maxEntries: number
  maxEntryBytes: number
  maxTotalBytes: number
}

/** ZIP files given to the import. */
export const IMPORT_ZIP_LIMITS: ZipLimits = { maxEntries: MAX_ZIP_ENTRIES, maxEntryBytes: MAX_ZIP_ENTRY_BYTES, maxTotalBytes: MAX_ZIP_TOTAL_BYTES }

const ARCHIVE = 'The ZIP archive'
const EOCD_SIGNATURE = 0x06054b50
const CENTRAL_SIGNATURE = 0x02014b50
const LOCAL_SIGNATURE = 0x04034b50
const EOCD_MIN = 22
const MAX_COMMENT = 0xffff

export function looksLikeZip(b: Buffer): boolean {
  return b.length >= 4 && b.readUInt32LE(0) === LOCAL_SIGNATURE
}

/** Lists and extracts the files of a ZIP (folders and macOS metadata are skipped). `what` starts messages. */
export function readZip(b: Buffer, limits: ZipLimits = IMPORT_ZIP_LIMITS, what: string = ARCHIVE): ZipEntry[] {
  function bad(why: string): never {
    throw new CoreError('bad_format', `${what} is damaged or unsupported: ${why}.`)
  }
  let eocd = -1
  for (let p = b.length - EOCD_MIN; p >= Math.max(0, b.length - EOCD_MIN - MAX_COMMENT); p--) {
    if (b.readUInt32LE(p) === EOCD_SIGNATURE) {
      eocd = p
      break
    }
  }
  if (eocd < 0) bad('its directory is missing (truncated?)')
  const count = b.readUInt16LE(eocd + 10)
  const cdSize = b.readUInt32LE(eocd + 12)
  const cdOffset = b.readUInt32LE(eocd + 16)
  if (count === 0xffff || cdOffset === 0xffffffff) bad('ZIP64 archives are not supported')
  if (count > limits.maxEntries) throw new CoreError('too_large', `${what} has ${count} entries; CertDesk reads at most ${limits.maxEntries}.`)
  if (cdOffset + cdSize > eocd) bad('its directory points outside the file')
  const entries: ZipEntry[] = []
  let total = 0
  let p = cdOffset
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || b.readUInt32LE(p) !== CENTRAL_SIGNATURE) bad('a directory entry is malformed')
    const flags = b.readUInt16LE(p + 8)
    const method = b.readUInt16LE(p + 10)
    const crc = b.readUInt32LE(p + 16)
    const compressed = b.readUInt32LE(p + 20)
    const size = b.readUInt32LE(p + 24)
    const nameLen = b.readUInt16LE(p + 28)
    const extraLen = b.readUInt16LE(p + 30)
    const commentLen = b.readUInt16LE(p + 32)
    const localOffset = b.readUInt32LE(p + 42)
    const name = b.subarray(p + 46, p + 46 + nameLen).toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1')
    p += 46 + nameLen + extraLen + commentLen
    if (name.endsWith('/') || name.startsWith('__MACOSX/') || /(^|\/)\._/.test(name)) continue
    if ((flags & 0x1) !== 0) throw new CoreError('bad_format', `${what} is password-protected (${name}). Extract it first, then import the files.`)
    if (size > limits.maxEntryBytes) throw new CoreError('too_large', `${name} in ${what.toLowerCase()} is ${size} bytes; entries are at most ${limits.maxEntryBytes / 1024} KiB.`)
    total += size
    if (total > limits.maxTotalBytes) throw new CoreError('too_large', `${what} unpacks to more than ${limits.maxTotalBytes / 1024} KiB.`)
    if (localOffset + 30 > b.length || b.readUInt32LE(localOffset) !== LOCAL_SIGNATURE) bad(`the entry ${name} is missing`)
    const dataStart = localOffset + 30 + b.readUInt16LE(localOffset + 26) + b.readUInt16LE(localOffset + 28)
    if (dataStart + compressed > b.length) bad(`the entry ${name} is truncated`)
    const raw = b.subarray(dataStart, dataStart + compressed)
    let data: Buffer
    if (method === 0) {
      data = Buffer.from(raw)
    } else if (method === 8) {
      try {
        data = process.getBuiltinModule('node:zlib').inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) })
      } catch (e) {
        bad(`the entry ${name} does not decompress (${(e as Error).message})`)
      }
    } else {
      bad(`the entry ${name} uses compression method ${method}`)
    }
    if (data.length !== size || process.getBuiltinModule('node:zlib').crc32(data) !== crc) bad(`the entry ${name} fails its checksum`)
    entries.push({ name, data })
  }
  return entries
}
