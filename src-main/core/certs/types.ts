import type { ChainRole, ChainStatus } from '../pki/chain/build-chain'
import type { TrustStore } from '../pki/chain/trust-store'
import type { ImportParser } from '../pki/formats/import-parser'
import type { Pkcs12Profile } from '../pki/formats/pkcs12'
import type { Logger } from '../log/logger'
import type { Db } from '../store/db'
import type { Actor } from '../store/events-repo'
import type { StoredSan } from '../store/certificates-repo'
import type { Clock } from '../util/clock'
import type { KeyVault } from '../vault/vault'
import type { DueState } from './expiry'
import type { SuccessionReason } from './succession'

/** What the certificate services need; the composition root passes the real ones, tests their own. */
export interface CertDeps {
  db: Db
  /** The vault (vault/vault.ts) or anything with the same three methods. */
  vault: KeyVault
  clock: Clock
  logger: Logger
  /** System roots (lazyTrustStore(loadSystemTrustStore) in the app). */
  trustStore: TrustStore
  /** Id generator; util/ids newId by default ("key_…", "crt_…"). */
  newId?: (prefix: 'key' | 'crt') => string
  /** Reads import files; parseImportInput in this process by default (front doors pass an isolated one). */
  importParser?: ImportParser
  /**
   * Opens a reader for many files in a row (bulk imports): front doors pass their isolated reader's
   * session (parse-worker); by default each file goes to importParser.
   */
  openImportReader?: () => ImportReader
}

/** A reader for a run of import files; close() ends its child process, if it has one. */
export interface ImportReader {
  parse: ImportParser
  close(): Promise<void>
}

export type CertificateRole = ChainRole
export type Validity = 'valid' | 'expired' | 'not-yet-valid'

/** One certificate as lists show it. Public data only. */
export interface CertificateSummary {
  id: string
  subject: string
  issuer: string
  commonName: string | null
  sans: StoredSan[]
  /** Lower-case hex. */
  serial: string
  notBefore: string
  notAfter: string
  /** Lower-case hex SHA-256 of the DER. */
  fingerprintSha256: string
  spkiSha256: string
  keyAlgorithm: string
  keyId: string | null
  hasKey: boolean
  role: CertificateRole
  selfSigned: boolean
  source: 'collected' | 'imported'
  orderId: string | null
  createdAt: string
  validity: Validity
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number
  /**
   * Due for renewal once daysLeft is below this: max(EXPIRY_WARNING_DAYS, a third of the lifetime),
   * so a 90-day certificate is due at 30 days left and a 200-day one at 66 (expiry.ts, A8).
   */
  renewalWindowDays: number
  /** The moment it falls due: notAfter minus renewalWindowDays (ISO 8601 UTC). */
  renewAt: string
  /** Lower-case hex SHA-1 of the DER: the thumbprint Windows and IIS show. */
  fingerprintSha1: string
  /** The issuer as people name the CA: its O, else its CN, else the whole issuer name. */
  issuerName: string
  /** Where it stands by the one due rule (expiry.ts dueStateOf): due, replaced, history, not-due, or ca. */
  dueState: DueState
  /** What replaces it, and how CertDesk knows (succession.ts); null when nothing does. */
  successor: { id: string; reason: SuccessionReason; commonName: string | null; notAfter: string } | null
  /** A certificate that covers all its names without being known as its successor: a question for the user. */
  hint: { id: string; commonName: string | null; notAfter: string; names: string[] } | null
  /** The chain reaches a root or a trust anchor; null while not built yet. */
  chainComplete: boolean | null
  /** The Sectigo account of the order it was collected for. */
  accountId: string | null
  tags: string[]
  note: string
}

export interface ChainLinkView {
  fingerprintSha256: string
  subject: string
  issuer: string
  notBefore: string
  notAfter: string
  role: CertificateRole
  /** Where CertDesk found it: its own database, or the system trust store. */
  foundIn: 'certdesk' | 'system-trust-store'
  /** The stored certificate's id, when it is in the database. */
  certificateId: string | null
  problems: string[]
}

export interface ChainView {
  status: ChainStatus
  summary: string
  problems: string[]
  /** Which trust store holds the chain's root, in words ("the operating system's trust store"), or null. */
  trustedBy: string | null
  /** Leaf first. */
  links: ChainLinkView[]
}

export interface CertificateDetail extends CertificateSummary {
  /** The certificate as PEM (public). */
  pem: string
  chain: ChainView
  /** Stored CSRs for the same public key. */
  matchingCsrIds: string[]
}

export interface ImportOptions {
  /** Password of a PKCS#12 or an encrypted key; never stored or logged. */
  password?: string
  /** Shown in messages and recorded in the audit trail (a file name, never a path with secrets). */
  sourceName?: string
  actor: Actor
}

export interface ImportedCertificate {
  id: string
  fingerprintSha256: string
  subject: string
  commonName: string | null
  role: CertificateRole
  notAfter: string
  status: 'added' | 'already-present'
  keyId: string | null
  matchingCsrIds: string[]
  origin: string
}

export interface ImportedKey {
  id: string
  algorithm: string
  spkiSha256: string
  status: 'added' | 'already-present'
  certificateIds: string[]
  origin: string
}

/** Counts of one import (or of a whole bulk import): every certificate and key, listed or not. */
export interface ImportTotals {
  certificatesAdded: number
  /** Certificates that were already stored (duplicates). */
  certificatesPresent: number
  keysAdded: number
  keysPresent: number
  /** Certificates that got their private key: new ones whose key CertDesk holds, and stored ones whose key came now. */
  keysMatched: number
  /** Stored certificates whose chain was incomplete and now reaches a root or trust anchor. */
  chainsCompleted: number
  /** Leaves added whose chain is still incomplete (an issuer is missing). */
  incompleteChains: number
}

export interface ImportReport {
  /** The first MAX_REPORTED_ITEMS (import-service.ts); totals counts them all. */
  certificates: ImportedCertificate[]
  keys: ImportedKey[]
  /** The chain of the first MAX_REPORTED_CHAINS end-entity certificates in the import, as now stored. */
  chains: { certificateId: string; status: ChainStatus; summary: string; problems: string[] }[]
  skipped: { origin: string; reason: string }[]
  containers: string[]
  totals: ImportTotals
  /** True when a list above was cut to its first MAX_REPORTED_ITEMS. */
  truncated: boolean
}

export type ExportFormat = 'pem' | 'der' | 'chain' | 'fullchain' | 'p7b' | 'pfx' | 'key' | 'bundle'
export type ChainOrder = 'leaf-first' | 'root-first'

export interface ExportOptions {
  format: ExportFormat
  /** Add the self-signed root (default false: servers should not send it). */
  includeRoot?: boolean
  /** pfx, p7b, bundle: add the intermediates (default true). */
  includeChain?: boolean
  /** chain, fullchain, p7b, pfx, bundle (default leaf-first). */
  chainOrder?: ChainOrder
  /** p7b only: PEM with the PKCS7 label (default) or DER. */
  encoding?: 'pem' | 'der'
  /** pfx only (default modern). */
  profile?: Pkcs12Profile
  /** pfx (required), key and bundle (required unless unencryptedKey). Never stored or logged. */
  password?: string
  /** pfx and encrypted keys: KDF iteration count (defaults per profile; 600,000 for keys). */
  iterations?: number
  /** key and bundle: the caller confirmed writing the private key without encryption. */
  unencryptedKey?: boolean
  /** pfx: the alias Windows, macOS and keytool show (default: the common name). */
  friendlyName?: string
  /** Accept a password shorter than MIN_EXPORT_PASSWORD_LENGTH (lab use, an explicit choice). */
  allowShortPassword?: boolean
}

export type ExportFileKind = 'pem-certificates' | 'der-certificate' | 'p7b-pem' | 'p7b-der' | 'pfx' | 'key-encrypted' | 'key-plain' | 'bundle'

export interface ExportFile {
  /** Suggested file name (no directory). */
  fileName: string
  bytes: Buffer
  kind: ExportFileKind
  containsPrivateKey: boolean
  mediaType: string
  /** What the file is, and for presets where it goes. */
  note: string
}

export interface ExportBundle {
  certificateId: string
  files: ExportFile[]
  /** Fingerprints of the certificates included, in file order. */
  certificates: string[]
  chainStatus: ChainStatus
  warnings: string[]
}

export interface WrittenFile {
  path: string
  size: number
  /** POSIX permission bits as written (e.g. 0o600). */
  mode: number
  containsPrivateKey: boolean
  sha256: string
  note: string
}

export interface ExportResult {
  certificateId: string
  files: WrittenFile[]
  certificates: string[]
  chainStatus: ChainStatus
  warnings: string[]
}
