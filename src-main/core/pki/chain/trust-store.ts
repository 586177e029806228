import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { rootCertificates } from 'node:tls'
import { decodePemBlocks } from '../pem'
import { parseCertificate, type ParsedCertificate } from '../formats/certificate'
import { MAX_TRUST_STORE_CERTIFICATES, MAX_TRUST_STORE_FILE_BYTES } from '../formats/limits'

/**
 * The roots a chain may end in to count as "trusted": Node's bundled Mozilla roots and, where present,
 * the operating system's bundle. Chains ending in a self-signed root that is not here are shown as
 * "untrusted root" (a private CA), never silently as trusted.
 */
export interface TrustStore {
  /** Roots whose subject Name DER hashes to `subjectHash` (lower-case hex SHA-256). */
  findBySubjectHash(subjectHash: string): ParsedCertificate[]
  contains(fingerprintSha256: string): boolean
  readonly size: number
  /** Where the roots came from, for the chain view ("node:tls", "/etc/ssl/certs/ca-certificates.crt"). */
  readonly sources: readonly string[]
}

/** Bundle files of common systems; the first that exists is read. */
export const SYSTEM_BUNDLE_FILES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'] as const
export const SYSTEM_CERT_DIRS = ['/etc/ssl/certs'] as const

export function createTrustStore(ders: Iterable<Uint8Array>, sources: readonly string[] = ['given']): TrustStore {
  const bySubject = new Map<string, ParsedCertificate[]>()
  const fingerprints = new Set<string>()
  for (const der of ders) {
    if (fingerprints.size >= MAX_TRUST_STORE_CERTIFICATES) break
    let cert: ParsedCertificate
    try {
      cert = parseCertificate(der, 'A trust-store certificate', { eager: false })
    } catch {
      continue // one odd entry in a system bundle must not disable the rest
    }
    if (fingerprints.has(cert.fingerprintSha256)) continue
    fingerprints.add(cert.fingerprintSha256)
    const list = bySubject.get(cert.subjectHash) ?? []
    list.push(cert)
    bySubject.set(cert.subjectHash, list)
  }
  return {
    findBySubjectHash: (h) => bySubject.get(h) ?? [],
    contains: (fp) => fingerprints.has(fp),
    size: fingerprints.size,
    sources,
  }
}

export const emptyTrustStore: TrustStore = createTrustStore([], [])

export interface SystemTrustOptions {
  /** Node's bundled Mozilla roots (node:tls rootCertificates). Default true. */
  includeNodeRoots?: boolean
  /** Bundle files to try in order (first existing wins). Default SYSTEM_BUNDLE_FILES. */
  bundleFiles?: readonly string[]
  /** Directories of *.pem / *.crt files, read when no bundle file exists. Default SYSTEM_CERT_DIRS. */
  certDirs?: readonly string[]
}

/** Reads the system roots synchronously (about 300 certificates, tens of milliseconds). */
export function loadSystemTrustStore(opts: SystemTrustOptions = {}): TrustStore {
  const ders: Buffer[] = []
  const sources: string[] = []
  if (opts.includeNodeRoots ?? true) {
    for (const pem of rootCertificates) ders.push(...pemCertificates(pem))
    sources.push('node:tls')
  }
  const bundle = (opts.bundleFiles ?? SYSTEM_BUNDLE_FILES).find((f) => isSmallFile(f))
  if (bundle) {
    ders.push(...pemCertificates(readFileSync(bundle, 'utf8')))
    sources.push(bundle)
  } else {
    for (const dir of opts.certDirs ?? SYSTEM_CERT_DIRS) {
      if (!existsSync(dir)) continue
      for (const name of readdirSync(dir)) {
        if (!/\.(pem|crt)$/i.test(name) || ders.length >= MAX_TRUST_STORE_CERTIFICATES) continue
        const file = join(dir, name)
        if (isSmallFile(file)) ders.push(...pemCertificates(readFileSync(file, 'utf8')))
      }
      sources.push(dir)
    }
  }
  return createTrustStore(ders, sources)
}

/** Defers loading until a chain is first built, so starting CertDesk costs nothing. */
export function lazyTrustStore(load: () => TrustStore): TrustStore {
  let store: TrustStore | null = null
  const get = (): TrustStore => (store ??= load())
  return {
    findBySubjectHash: (h) => get().findBySubjectHash(h),
    contains: (fp) => get().contains(fp),
    get size() {
      return get().size
    },
    get sources() {
      return get().sources
    },
  }
}

function isSmallFile(f: string): boolean {
  try {
    const st = statSync(f)
    return st.isFile() && st.size <= MAX_TRUST_STORE_FILE_BYTES
  } catch {
    return false
  }
}

function pemCertificates(text: string): Buffer[] {
  try {
    return decodePemBlocks(text, { maxBlocks: MAX_TRUST_STORE_CERTIFICATES })
      .filter((b) => b.label === 'CERTIFICATE')
      .map((b) => b.der)
  } catch {
    return []
  }
}
