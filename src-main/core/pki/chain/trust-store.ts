import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { decodePemBlocks } from '../pem'
import { parseCertificate, type ParsedCertificate } from '../formats/certificate'
import { MAX_TRUST_STORE_CERTIFICATES, MAX_TRUST_STORE_FILE_BYTES } from '../formats/limits'

/**
 * The roots a chain may end in to count as "trusted": the operating system's trust store where the
 * runtime can read it (tls.getCACertificates('system'): Node 22.15+/23.10+, so Electron 45's Node 22+
 * line; on macOS the Keychain, on Windows the certificate store, on Linux OpenSSL's system paths), plus
 * Node's bundled Mozilla roots. Where the runtime cannot, the Linux bundle files stand in for the OS
 * store. Chains ending in a self-signed root that is not here are shown as "untrusted root" (a private
 * CA), never silently as trusted. Each root remembers which store it came from, so a verdict can say
 * which store answered.
 */
export interface TrustStore {
  /** Roots whose subject Name DER hashes to `subjectHash` (lower-case hex SHA-256). */
  findBySubjectHash(subjectHash: string): ParsedCertificate[]
  contains(fingerprintSha256: string): boolean
  /** The store a root came from (the first that had it), for the chain view; null when not a root here. */
  sourceOf(fingerprintSha256: string): string | null
  readonly size: number
  /** Where the roots came from, in order ("the operating system's trust store", "node:tls", a bundle file). */
  readonly sources: readonly string[]
  /** How the store was chosen: whether the OS store answered, and why not when it did not. */
  readonly selection: TrustSelection
}

export interface TrustSelection {
  /** True when the operating system's store was read (tls.getCACertificates('system')). */
  os: boolean
  /** One sentence for diagnostics and the chain view. */
  detail: string
}

/** The label of the roots read from the operating system. */
export const OS_TRUST_STORE = "the operating system's trust store"
/** The label of Node's (and Electron's) bundled Mozilla roots. */
export const BUNDLED_ROOTS = 'node:tls'

/** Bundle files of common systems; the first that exists is read. */
export const SYSTEM_BUNDLE_FILES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'] as const
export const SYSTEM_CERT_DIRS = ['/etc/ssl/certs'] as const

/** Certificates from one store. */
export interface TrustGroup {
  source: string
  ders: Iterable<Uint8Array>
}

const GIVEN: TrustSelection = { os: false, detail: 'Roots given to CertDesk directly.' }

/** A store from groups of roots; a root in two groups belongs to the first. */
export function createTrustStoreFromGroups(groups: readonly TrustGroup[], selection: TrustSelection = GIVEN): TrustStore {
  const bySubject = new Map<string, ParsedCertificate[]>()
  const origin = new Map<string, string>()
  for (const group of groups) {
    for (const der of group.ders) {
      if (origin.size >= MAX_TRUST_STORE_CERTIFICATES) break
      let cert: ParsedCertificate
      try {
        cert = parseCertificate(der, 'A trust-store certificate', { eager: false })
      } catch {
        continue // one odd entry in a system bundle must not disable the rest
      }
      if (origin.has(cert.fingerprintSha256)) continue
      origin.set(cert.fingerprintSha256, group.source)
      const list = bySubject.get(cert.subjectHash) ?? []
      list.push(cert)
      bySubject.set(cert.subjectHash, list)
    }
  }
  return {
    findBySubjectHash: (h) => bySubject.get(h) ?? [],
    contains: (fp) => origin.has(fp),
    sourceOf: (fp) => origin.get(fp) ?? null,
    size: origin.size,
    sources: groups.map((g) => g.source),
    selection,
  }
}

export function createTrustStore(ders: Iterable<Uint8Array>, sources: readonly string[] = ['given']): TrustStore {
  const store = createTrustStoreFromGroups([{ source: sources.join(', '), ders }])
  return { ...store, sources }
}

export const emptyTrustStore: TrustStore = createTrustStore([], [])

/** The part of node:tls the loader reads; injected so tests can play an older runtime. */
export interface TlsRuntime {
  rootCertificates: readonly string[]
  /** Node 22.15+/23.10+ and Electron's Node; absent on older runtimes. */
  getCACertificates?: (type: 'system') => string[]
}

export interface SystemTrustOptions {
  /** Node's bundled Mozilla roots (node:tls rootCertificates). Default true. */
  includeNodeRoots?: boolean
  /** Read the OS store where the runtime can. Default true. */
  useOsStore?: boolean
  /** node:tls by default. */
  tls?: TlsRuntime
  /** Bundle files to try in order (first existing wins) when the OS store is not read. Default SYSTEM_BUNDLE_FILES. */
  bundleFiles?: readonly string[]
  /** Directories of *.pem / *.crt files, read when no bundle file exists. Default SYSTEM_CERT_DIRS. */
  certDirs?: readonly string[]
}

/** Reads the OS store through the runtime, by feature detection; null (and why) when it cannot. */
function osRoots(runtime: TlsRuntime): { ders: Buffer[]; detail: string } | { ders: null; detail: string } {
  if (typeof runtime.getCACertificates !== 'function') {
    return { ders: null, detail: `This runtime (Node ${process.versions.node}) cannot read the operating system's trust store (no tls.getCACertificates)` }
  }
  let pems: string[]
  try {
    pems = runtime.getCACertificates('system')
  } catch (e) {
    return { ders: null, detail: `The operating system's trust store could not be read (${e instanceof Error ? e.message : String(e)})` }
  }
  const ders = pems.flatMap((pem) => pemCertificates(pem))
  if (ders.length === 0) return { ders: null, detail: "The operating system's trust store is empty" }
  return { ders, detail: `Roots come from the operating system's trust store (tls.getCACertificates('system'), ${ders.length} certificates) and Node's bundled Mozilla roots.` }
}

/** Reads the system roots synchronously (a few hundred certificates, tens of milliseconds). */
export function loadSystemTrustStore(opts: SystemTrustOptions = {}): TrustStore {
  // node:tls is taken here, not imported: loading it costs 15 ms or more of every CLI start (issue 15).
  const tls = process.getBuiltinModule('node:tls')
  const runtime = opts.tls ?? { rootCertificates: tls.rootCertificates, getCACertificates: (tls as Partial<TlsRuntime>).getCACertificates }
  const groups: TrustGroup[] = []
  const os = opts.useOsStore === false ? { ders: null, detail: 'Reading the operating system store was turned off' } : osRoots(runtime)
  if (os.ders) groups.push({ source: OS_TRUST_STORE, ders: os.ders })
  if (opts.includeNodeRoots ?? true) groups.push({ source: BUNDLED_ROOTS, ders: runtime.rootCertificates.flatMap((pem) => pemCertificates(pem)) })
  if (os.ders) return createTrustStoreFromGroups(groups, { os: true, detail: os.detail })
  const files: string[] = []
  const bundle = (opts.bundleFiles ?? SYSTEM_BUNDLE_FILES).find((f) => isSmallFile(f))
  if (bundle) {
    groups.push({ source: bundle, ders: pemCertificates(readFileSync(bundle, 'utf8')) })
    files.push(bundle)
  } else {
    for (const dir of opts.certDirs ?? SYSTEM_CERT_DIRS) {
      if (!existsSync(dir)) continue
      const ders: Buffer[] = []
      for (const name of readdirSync(dir)) {
        if (!/\.(pem|crt)$/i.test(name) || ders.length >= MAX_TRUST_STORE_CERTIFICATES) continue
        const file = join(dir, name)
        if (isSmallFile(file)) ders.push(...pemCertificates(readFileSync(file, 'utf8')))
      }
      groups.push({ source: dir, ders })
      files.push(dir)
    }
  }
  const fallback = files.length ? `Node's bundled Mozilla roots and ${files.join(', ')}` : "Node's bundled Mozilla roots only"
  return createTrustStoreFromGroups(groups, { os: false, detail: `${os.detail}; using ${fallback}.` })
}

/** Defers loading until a chain is first built, so starting CertDesk costs nothing. */
export function lazyTrustStore(load: () => TrustStore): TrustStore {
  let store: TrustStore | null = null
  const get = (): TrustStore => (store ??= load())
  return {
    findBySubjectHash: (h) => get().findBySubjectHash(h),
    contains: (fp) => get().contains(fp),
    sourceOf: (fp) => get().sourceOf(fp),
    get size() {
      return get().size
    },
    get sources() {
      return get().sources
    },
    get selection() {
      return get().selection
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
