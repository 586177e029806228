/**
 * The contract: every method a front door (Electron IPC, web shell, CLI) can call, with its zod
 * input schema and its result type. Adding a feature starts here; test/unit/api/contract.test.ts
 * snapshots the list so every change to the surface shows in review. Results never carry a private
 * key, a data key or a password.
 */
import { z } from 'zod'
import type { ErrorInfo } from '../errors'
import type { CreatedBackup } from '../backup/create-backup'
import type { BackupInfo } from '../backup/verify-backup'
import { MAX_NOTE_CHARS, MAX_TAG_CHARS, MAX_TAGS_PER_CERTIFICATE } from '../certs/annotation-service'
import { BULK_FORMATS, type ExportManyResult, type BulkFailure } from '../certs/bulk-export'
import { MAX_EXPIRY_WINDOW_DAYS, type ExpiryReport } from '../certs/expiry'
import type { AddFileResult, ImportJobStatus, ImportJobSummary } from '../certs/import-job'
import { MAX_FILE_PARTS } from '../certs/import-job'
import type { PresetInfo } from '../certs/presets'
import { type CertificateFacets, type EstateSummary, MAX_SEARCH_CHARS, MAX_SELECTED_IDS, MAX_SUMMARY_ITEMS } from '../certs/query-service'
import { MAX_PAGE_SIZE, type Page } from '../util/page'
import type { CertificateDetail, CertificateSummary, ExportResult, ImportReport } from '../certs/types'
import type { DoctorReport } from '../diagnostics/doctor'
import type { BulkDeletionReport, DeletionReport } from '../deletion/deletion-service'
import type { Asn1Dump } from '../pki/asn1/dump'
import type { CertificateDetails } from '../pki/certificate-details'
import type { CsrAnalysis, CsrDetail, CsrSummary } from '../keys/csr-service'
import type { KeySummary } from '../keys/key-service'
import type { Pkcs12Profile, Pkcs12ProfileInfo } from '../pki/formats/pkcs12'
import type { LintFinding } from '../pki/lint'
import type { VaultStatus } from '../vault/vault'
import type { AccountSummary, ConnectionTest } from '../accounts/account-service'
import type { DcvCheckResult } from '../orders/dcv-check'
import type { DcvInstruction } from '../orders/dcv-instructions'
import type { ActionOutcome } from '../orders/order-actions'
import type { CollectResult } from '../orders/order-service'
import type { OrderDetail, OrderSummary } from '../orders/order-views'
import type { PreflightReport } from '../orders/place'
import type { ProductInfo } from '../orders/preflight'
import type { PushStatus } from '../orders/push-service'
import type { SyncReport } from '../orders/sync'
import type { ValidityOutlook } from '../orders/validity-schedule'
import type { DcvEmailAddressList } from '../sectigo/endpoints/get-dcv-email-address-list'
import { ENDPOINT_PROTOCOLS, type AddedEndpoints, type CheckReport, type DeploymentSummary, type EndpointDetail, type EndpointProblem, type EndpointView } from '../endpoints/types'
import { MAX_CHECK_INTERVAL_HOURS, MAX_ENDPOINT_TIMEOUT_MS, MAX_ENDPOINTS, MIN_CHECK_INTERVAL_HOURS, MIN_ENDPOINT_TIMEOUT_MS } from '../endpoints/limits'
import type { RevocationReport } from '../revocation/types'
import { MAX_IMPORT_BYTES } from '../pki/formats/limits'
import { ALERT_KINDS } from '../alerts/alert-kinds'
import { MAX_SNOOZE_HOURS, type AlertsReport, type AlertView } from '../alerts/alert-service'
import type { DiagnosticsBundle } from '../diagnostics/diagnostics'
import { CLOCK_TIME, type SettingsView } from '../settings/settings-service'
import type { EventRow } from '../store/events-repo'
import type { UpdateCheck } from '../updates/update-service'
import type { MethodNameList } from './method-names'
import { MAX_FILE_NAME_CHARS, MAX_IMPORT_BASE64_CHARS, MAX_PASSWORD_CHARS, MAX_PASTE_CHARS, wireSize } from './request-limits'

// In request-limits.ts (no zod) so the CLI can check a file's size without loading the schemas.
export { MAX_PASTE_CHARS } from './request-limits'
const MAX_LABEL = 200
const MAX_SANS = 1000

export const KEY_TYPE = z.enum(['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'])
/** Who a CSR is for: a public CA (Sectigo) or the user's internal CA (pki/lint.ts CsrPurpose). */
export const CSR_PURPOSE = z.enum(['public', 'internal'])
const id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9a-z]{16}$`), `not a valid ${prefix} id`)
const text = (max: number) => z.string().max(max)

export const SUBJECT = z.strictObject({
  cn: text(64).optional(),
  o: text(64).optional(),
  ou: text(64).optional(),
  l: text(128).optional(),
  st: text(128).optional(),
  c: text(2).optional(),
  email: text(255).optional(),
})

/** A certificate id (crt_…) or at least 8 hex digits of its SHA-256 fingerprint. */
const CERT_REF = z.string().regex(/^(crt_[0-9a-z]{16}|[0-9a-f]{8,64})$/, 'not a certificate id or fingerprint')
const PASSWORD = text(MAX_PASSWORD_CHARS)
/** A file name chosen in the UI: no folders, the front door decides where it goes. */
const FILE_NAME = z.string().min(1).max(MAX_FILE_NAME_CHARS).regex(/^[^/\\\0]+$/, 'a file name without folders').refine((n) => n !== '.' && n !== '..', 'not a file name')
/** A file's bytes as base64, at most those of a file of MAX_IMPORT_BYTES: the transports make room for exactly that. */
const IMPORT_BASE64 = z
  .string()
  .max(MAX_IMPORT_BASE64_CHARS, `the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB, the most CertDesk imports; certificate files are a few KiB`)
/**
 * Pasted import text. JSON spells a line break in 2 characters and a control character in 6, so the
 * text's size on the wire is capped too, at that of the largest file's base64: every request the
 * contract accepts then fits through both transports (request-limits.ts).
 */
const IMPORT_TEXT = text(MAX_IMPORT_BYTES).superRefine((t, ctx) => {
  if (t.length <= MAX_IMPORT_BYTES && wireSize(t) > MAX_IMPORT_BASE64_CHARS) {
    ctx.addIssue({
      code: 'too_big',
      origin: 'string',
      maximum: MAX_IMPORT_BASE64_CHARS,
      inclusive: true,
      input: t,
      message: `the text takes more than ${MAX_IMPORT_BASE64_CHARS} bytes once encoded for sending; certificates are a few KiB`,
    })
  }
})
const EXPORT_OPTIONS = {
  format: z.enum(['pem', 'der', 'chain', 'fullchain', 'p7b', 'pfx', 'key', 'bundle']),
  includeRoot: z.boolean().optional(),
  includeChain: z.boolean().optional(),
  chainOrder: z.enum(['leaf-first', 'root-first']).optional(),
  encoding: z.enum(['pem', 'der']).optional(),
  profile: z.enum(['modern', 'compatible']).optional(),
  password: PASSWORD.optional(),
  iterations: z.number().int().min(2_048).max(2_000_000).optional(),
  unencryptedKey: z.boolean().optional(),
  friendlyName: text(64).optional(),
  /** Lab use: accept a password shorter than MIN_EXPORT_PASSWORD_LENGTH. */
  allowShortPassword: z.boolean().optional(),
}
/**
 * Where an export is written. `path` (an absolute path or folder) only from the CLI, a local user's
 * own command; the renderer may only name a file, which lands in the front door's export folder.
 */
const DESTINATION = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('path'), path: text(4096) }),
  z.strictObject({ kind: z.literal('exports'), name: FILE_NAME }),
])

export interface DownloadedExport {
  fileName: string
  mediaType: string
  base64: string
  warnings: string[]
}

/** An inventory file written (certs.exportInventory): where, how large, how many certificates. */
export interface WrittenInventory {
  path: string
  size: number
  mode: number
  sha256: string
  rows: number
}

/** An inventory for a download (certs.downloadInventory). */
export interface DownloadedInventory {
  fileName: string
  mediaType: string
  base64: string
  rows: number
}

/** A multi-selection as one ZIP for a download (certs.downloadMany). */
export interface DownloadedMany {
  fileName: string
  mediaType: string
  base64: string
  exported: string[]
  failed: BulkFailure[]
  warnings: string[]
}

/** A multi-selection of CSRs or orders as one file for a download: what went in, and the ids left out with why. */
export interface DownloadedFiles {
  fileName: string
  mediaType: string
  base64: string
  exported: string[]
  failed: BulkFailure[]
}

/** Paging of every list method: `offset` from 0, `limit` up to MAX_PAGE_SIZE (default DEFAULT_PAGE_SIZE). */
const PAGING = {
  offset: z.number().int().min(0).max(10_000_000).optional(),
  limit: z.number().int().min(0).max(MAX_PAGE_SIZE).optional(),
}
/** A search box's text (words matched as prefixes). */
const SEARCH = text(MAX_SEARCH_CHARS)
const SORT_ORDER = z.enum(['asc', 'desc'])
const CSR_IDS = z.array(id('csr')).min(1).max(MAX_SELECTED_IDS)
const CERT_ID = id('crt')
const CERT_IDS = z.array(CERT_ID).min(1).max(MAX_SELECTED_IDS)
const ROLES = z.array(z.enum(['leaf', 'intermediate', 'root'])).max(3)
/** Which certificates (query-service.ts CertificateFilter): booleans keep matching ones when true, the others when false. */
const CERT_FILTER = {
  query: SEARCH.optional(),
  roles: ROLES.optional(),
  due: z.boolean().optional(),
  replaced: z.boolean().optional(),
  hinted: z.boolean().optional(),
  inWindow: z.boolean().optional(),
  expired: z.boolean().optional(),
  noKey: z.boolean().optional(),
  incompleteChain: z.boolean().optional(),
  issuer: text(1024).optional(),
  accountId: id('acc').optional(),
  tag: text(MAX_TAG_CHARS).optional(),
  ids: z.array(CERT_ID).max(MAX_SELECTED_IDS).optional(),
  keyId: id('key').optional(),
  withinDays: z.number().int().min(0).max(MAX_EXPIRY_WINDOW_DAYS).optional(),
}
const CERT_SORT = {
  sort: z.enum(['notAfter', 'notBefore', 'commonName', 'issuer', 'createdAt', 'keyAlgorithm', 'urgency']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
}
const IMPORT_JOB_ID = id('imp')

// --- accounts and orders (issue 4) ---
const ACCOUNT_ID = id('acc')
const ORDER_ID = id('ord')
const ENVIRONMENT = z.enum(['production', 'test_mode', 'sandbox'])
const DCV_METHOD = z.enum(['EMAIL', 'HTTP_CSR_HASH', 'HTTPS_CSR_HASH', 'CNAME_CSR_HASH'])
const DOMAIN = z.string().min(1).max(253)
const EMAIL_ADDRESS = z.string().min(3).max(255)
/** Sectigo's limits: login ≤ 64, password ≤ 128 characters. Inputs only; no result carries a password. */
const SECTIGO_PASSWORD = z.string().min(1).max(128)
const MAX_ORDER_DOMAINS = 250
const ORG_FIELD = text(255).optional()
const ORGANIZATION = z.strictObject({
  organizationName: ORG_FIELD,
  organizationalUnitName: ORG_FIELD,
  streetAddress1: ORG_FIELD,
  streetAddress2: ORG_FIELD,
  streetAddress3: ORG_FIELD,
  localityName: ORG_FIELD,
  stateOrProvinceName: ORG_FIELD,
  postalCode: text(40).optional(),
  countryName: text(2).optional(),
  companyNumber: text(64).optional(),
  dunsNumber: text(20).optional(),
  appRepEmailAddress: text(255).optional(),
  appRepForename: text(64).optional(),
  appRepSurname: text(64).optional(),
  appRepTelephone: text(32).optional(),
  joiLocalityName: ORG_FIELD,
  joiStateOrProvinceName: ORG_FIELD,
  joiCountryName: text(2).optional(),
})
const CSR_SOURCE = z.union([
  z.strictObject({ csrId: id('csr') }),
  z.strictObject({ pem: text(MAX_PASTE_CHARS) }),
  z.strictObject({
    generate: z.strictObject({ keyType: KEY_TYPE, keyId: id('key').optional(), subject: SUBJECT, sans: z.array(text(253)).max(MAX_SANS) }),
  }),
])
const DOMAIN_CHOICE = z.strictObject({ domain: DOMAIN, method: DCV_METHOD, email: EMAIL_ADDRESS.optional() })
const ORDER_DRAFT = {
  accountId: ACCOUNT_ID,
  productCode: z.number().int().min(0).max(1_000_000),
  days: z.number().int().min(1).max(3650),
  csr: CSR_SOURCE,
  domains: z.array(DOMAIN_CHOICE).max(MAX_ORDER_DOMAINS).optional(),
  dcvMethod: DCV_METHOD.optional(),
  dcvEmail: EMAIL_ADDRESS.optional(),
  organization: ORGANIZATION.optional(),
  serverSoftware: z.number().int().min(-1).max(100).optional(),
  /** Advanced AutoApplySSL options (reference §3.1): the issuing CA, the customer email, add-ons... */
  options: z
    .strictObject({
      caCertificateId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
      emailAddress: EMAIL_ADDRESS.optional(),
      addOnProducts: z.array(z.number().int().min(1).max(1_000_000)).max(10).optional(),
      prioritiseCsrValues: z.boolean().optional(),
      isCustomerValidated: z.boolean().optional(),
      maxSubjectCNs: z.number().int().min(1).max(250).optional(),
    })
    .optional(),
  remoteCheck: z.boolean().optional(),
}
const ORDER_STATE = z.enum(['draft', 'submitting', 'placed', 'awaiting_validation', 'issued', 'collected', 'unknown', 'failed', 'rejected', 'revoked', 'replaced', 'cancelled'])
const ISO_TIME = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'not a date and time')
const OV_REQUEST = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('schedule'), preferredTime: ISO_TIME }),
  z.strictObject({ action: z.literal('manual'), preferredTime: ISO_TIME }),
  z.strictObject({ action: z.literal('replace_phone'), phoneNumber: text(32).min(3), extensionNumber: text(5).optional() }),
  z.strictObject({ action: z.literal('replace_email'), emailAddress: EMAIL_ADDRESS }),
  z.strictObject({ action: z.literal('send_email') }),
])
const REISSUE_KEY = z.union([
  z.strictObject({ sameKey: z.literal(true) }),
  z.strictObject({ newKey: KEY_TYPE }),
  z.strictObject({ csrId: id('csr') }),
  z.strictObject({ pem: text(MAX_PASTE_CHARS) }),
])

// --- endpoints (issue 14) ---
const ENDPOINT_ID = id('ept')
/** A host name, an IP address (IPv6 with or without brackets); endpoints/address.ts checks it. */
const ENDPOINT_HOST = z.string().min(1).max(300)
const PORT = z.number().int().min(1).max(65535)
const ENDPOINT_PROTOCOL = z.enum(ENDPOINT_PROTOCOLS)
const CHECK_INTERVAL_HOURS = z.number().int().min(MIN_CHECK_INTERVAL_HOURS).max(MAX_CHECK_INTERVAL_HOURS)

/** A mutating call on an order: what Sectigo said (done, or unknown when the answer was lost) and the order now. */
export interface OrderActionResult {
  outcome: ActionOutcome
  order: OrderDetail
}

export interface AppInfo {
  version: string
  dataDir: string
  /** Where exports named in the UI are written (the renderer shows it; it can only name files there). */
  exportDir: string
  frontDoor: 'electron' | 'web' | 'cli'
}

/** An alert's key: its kind and subject (`order_waiting:ord_…`, `endpoint_problem:ept_…`). */
const CLOCK_TIME_SCHEMA = z.string().regex(CLOCK_TIME.pattern, CLOCK_TIME.message)
const ALERT_KEY = z.string().max(300).regex(/^[a-z_]+:[A-Za-z0-9_.:[\]-]{1,280}$/, 'not an alert key')
/** How many audit events one Activity page shows at most. */
export const MAX_ACTIVITY_EVENTS = 500

/** Declares a method: its input schema now, its output type for the compiler. */
function method<Output>() {
  return <Input extends z.ZodType>(input: Input) => ({ input, output: undefined as unknown as Output })
}

export const contract = {
  // --- app and vault ---
  'app.info': method<AppInfo>()(z.strictObject({})),
  /** The installation's diagnostics (certdesk doctor): runtime, SQLite engine, keychain, crypto self-check; no secret. */
  'app.doctor': method<DoctorReport>()(z.strictObject({})),
  'vault.status': method<VaultStatus>()(z.strictObject({})),
  'vault.setupPassphrase': method<VaultStatus>()(z.strictObject({ passphrase: text(1024) })),
  'vault.unlock': method<VaultStatus>()(z.strictObject({ passphrase: text(1024) })),

  // --- backups (restore is CLI-only: it needs a data folder that is not the running one) ---
  /** One encrypted file: the database and the vault data key under a passphrase; created 0600, verified after writing. */
  'backup.create': method<CreatedBackup>()(z.strictObject({ passphrase: text(1024), destination: DESTINATION })),
  /** Decrypts and checks a backup in memory (integrity, counts, every key decrypts); writes nothing. */
  'backup.verify': method<BackupInfo>()(z.strictObject({ passphrase: text(1024), file: DESTINATION })),

  // --- keys and CSRs ---
  /** Newest first unless sorted; `query` matches label, algorithm and SPKI fingerprint. */
  'keys.list': method<Page<KeySummary>>()(
    z.strictObject({ query: SEARCH.optional(), sort: z.enum(['createdAt', 'label', 'algorithm']).optional(), order: SORT_ORDER.optional(), ...PAGING }),
  ),
  'keys.get': method<KeySummary>()(z.strictObject({ id: id('key') })),
  /** Refused while an unfinished order or an unexpired certificate needs the key; its unused CSRs go too. */
  'keys.delete': method<DeletionReport>()(z.strictObject({ id: id('key') })),
  /**
   * A multi-selection, each key as keys.delete would on its own: refusals are reported, the others
   * deleted. There is no bulk key export: private keys leave one at a time, each with its password.
   */
  'keys.deleteMany': method<BulkDeletionReport>()(z.strictObject({ ids: z.array(id('key')).min(1).max(MAX_SELECTED_IDS) })),
  /** `purpose: 'internal'`: for the user's own CA, private names and addresses are warnings (Sectigo still refuses them). */
  'csrs.generate': method<CsrDetail>()(
    z.strictObject({
      keyType: KEY_TYPE,
      keyId: id('key').optional(),
      subject: SUBJECT,
      sans: z.array(text(253)).max(MAX_SANS),
      label: text(MAX_LABEL).optional(),
      purpose: CSR_PURPOSE.optional(),
    }),
  ),
  'csrs.checkDraft': method<LintFinding[]>()(
    z.strictObject({ keyType: KEY_TYPE, subject: SUBJECT, sans: z.array(text(253)).max(MAX_SANS), purpose: CSR_PURPOSE.optional() }),
  ),
  /** Newest first unless sorted; `query` matches label, subject, names and fingerprints; `keyId` keeps the CSRs of that key. */
  'csrs.list': method<Page<CsrSummary>>()(
    z.strictObject({
      query: SEARCH.optional(),
      keyId: id('key').optional(),
      sort: z.enum(['createdAt', 'label', 'commonName']).optional(),
      order: SORT_ORDER.optional(),
      ...PAGING,
    }),
  ),
  'csrs.get': method<CsrDetail>()(z.strictObject({ id: id('csr') })),
  'csrs.decode': method<CsrAnalysis>()(
    z.strictObject({ text: text(MAX_PASTE_CHARS), uniqueValue: z.string().regex(/^[A-Za-z0-9]{1,20}$/).optional() }),
  ),
  'csrs.lint': method<LintFinding[]>()(z.strictObject({ text: text(MAX_PASTE_CHARS) })),
  'csrs.import': method<CsrDetail>()(z.strictObject({ text: text(MAX_PASTE_CHARS), label: text(MAX_LABEL).optional() })),
  /** Refused while an order refers to the CSR; its key stays. */
  'csrs.delete': method<DeletionReport>()(z.strictObject({ id: id('csr') })),
  /** A multi-selection, each CSR as csrs.delete would: one an order keeps is refused, the others deleted. */
  'csrs.deleteMany': method<BulkDeletionReport>()(z.strictObject({ ids: CSR_IDS })),
  /** A multi-selection as one ZIP of PEM CSRs for a download (public data only). */
  'csrs.downloadMany': method<DownloadedFiles>()(z.strictObject({ ids: CSR_IDS })),

  // --- certificates: lists, details and decisions (issue 12; src-main/core/certs/README-contract.md) ---
  /** One page of certificates: filtered, searched, sorted and paged in SQLite. */
  'certs.list': method<Page<CertificateSummary>>()(z.strictObject({ ...CERT_FILTER, ...CERT_SORT, ...PAGING })),
  /** The dashboard: counts and the first `limit` (default 5) of the due, replaced and hinted groups. */
  'certs.summary': method<EstateSummary>()(
    z.strictObject({ limit: z.number().int().min(0).max(MAX_SUMMARY_ITEMS).optional(), withinDays: CERT_FILTER.withinDays }),
  ),
  /** Filter choices: issuers, tags and accounts with how many leaf certificates each has. */
  'certs.facets': method<CertificateFacets>()(z.strictObject({})),
  'certs.get': method<CertificateDetail>()(z.strictObject({ id: CERT_REF })),
  /** Key usage, EKU, SHA-1/SHA-256 thumbprints, serial, signature algorithm, AIA, CRL points, policies, SCTs. */
  'certs.details': method<CertificateDetails>()(z.strictObject({ id: CERT_REF })),
  /** The DER as a tree (offsets, tags, values), from CertDesk's bounded reader. */
  'certs.asn1': method<Asn1Dump>()(z.strictObject({ id: CERT_REF })),
  'certs.setNote': method<CertificateSummary>()(z.strictObject({ id: CERT_REF, note: text(MAX_NOTE_CHARS) })),
  /** Replaces the certificate's tags. */
  'certs.setTags': method<CertificateSummary>()(z.strictObject({ id: CERT_REF, tags: z.array(text(MAX_TAG_CHARS)).max(MAX_TAGS_PER_CERTIFICATE) })),
  /** The user says successorId replaces id (it must outlast it): id leaves the due list. */
  'certs.linkSuccessor': method<CertificateSummary>()(z.strictObject({ id: CERT_REF, successorId: CERT_REF })),
  /** The user says otherId does not replace id, whatever the rule found. */
  'certs.refuseSuccessor': method<CertificateSummary>()(z.strictObject({ id: CERT_REF, otherId: CERT_REF })),
  /** "Covered by *.example.com?" Yes: the covering certificate becomes the successor. */
  'certs.confirmHint': method<CertificateSummary>()(z.strictObject({ id: CERT_REF })),
  /** "Covered by *.example.com?" No: it is not offered again for this certificate. */
  'certs.dismissHint': method<CertificateSummary>()(z.strictObject({ id: CERT_REF })),
  /** Forgets the user's links and dismissals for id: the rule alone decides again. */
  'certs.clearDecisions': method<CertificateSummary>()(z.strictObject({ id: CERT_REF })),
  /** Refused while the certificate's order is unfinished; its key stays. */
  'certs.delete': method<DeletionReport>()(z.strictObject({ id: CERT_REF })),
  /** A multi-selection, each certificate on its own: refusals are reported, the others deleted. */
  'certs.deleteMany': method<BulkDeletionReport>()(z.strictObject({ ids: CERT_IDS })),
  /** Leaf certificates due (each in its renewalWindowDays, or within withinDays), and those already replaced: the first `limit` of each, and totals. */
  'certs.expiring': method<ExpiryReport>()(
    z.strictObject({ withinDays: CERT_FILTER.withinDays, limit: z.number().int().min(0).max(MAX_PAGE_SIZE).optional() }),
  ),
  /** The filtered set as a CSV inventory or an iCalendar expiry calendar, written to a file. */
  'certs.exportInventory': method<WrittenInventory>()(
    z.strictObject({ ...CERT_FILTER, format: z.enum(['csv', 'ics']), destination: DESTINATION, overwrite: z.boolean().optional() }),
  ),
  /** The same, as bytes for a download. */
  'certs.downloadInventory': method<DownloadedInventory>()(z.strictObject({ ...CERT_FILTER, format: z.enum(['csv', 'ics']) })),
  /** A multi-selection, one public file each (pem, der, chain, fullchain, p7b), into a folder. */
  'certs.exportMany': method<ExportManyResult>()(
    z.strictObject({ ids: CERT_IDS, ...EXPORT_OPTIONS, format: z.enum(BULK_FORMATS), destination: DESTINATION, overwrite: z.boolean().optional() }),
  ),
  /** The same as one ZIP for a download. */
  'certs.downloadMany': method<DownloadedMany>()(z.strictObject({ ids: CERT_IDS, ...EXPORT_OPTIONS, format: z.enum(BULK_FORMATS) })),

  // --- certificates: import and export ---
  'certs.importText': method<ImportReport>()(z.strictObject({ text: IMPORT_TEXT, password: PASSWORD.optional() })),
  'certs.importBytes': method<ImportReport>()(
    z.strictObject({ fileName: FILE_NAME, base64: IMPORT_BASE64, password: PASSWORD.optional() }),
  ),
  /** CLI only: reads a file the local user named. */
  'certs.importFile': method<ImportReport>()(z.strictObject({ path: text(4096), password: PASSWORD.optional() })),
  'certs.exportToFile': method<ExportResult>()(
    z.strictObject({ id: CERT_REF, ...EXPORT_OPTIONS, destination: DESTINATION, overwrite: z.boolean().optional() }),
  ),
  'certs.exportPreset': method<ExportResult>()(
    z.strictObject({
      id: CERT_REF,
      preset: z.enum(['nginx', 'apache', 'iis', 'tomcat', 'haproxy']),
      destination: DESTINATION,
      password: PASSWORD.optional(),
      profile: z.enum(['modern', 'compatible']).optional(),
      includeRoot: z.boolean().optional(),
      unencryptedKey: z.boolean().optional(),
      iterations: z.number().int().min(2_048).max(2_000_000).optional(),
      allowShortPassword: z.boolean().optional(),
      baseName: text(100).optional(),
      overwrite: z.boolean().optional(),
    }),
  ),
  /** Public formats only: bytes for a browser or renderer download. Key-bearing exports go to files. */
  'certs.download': method<DownloadedExport>()(
    z.strictObject({ id: CERT_REF, ...EXPORT_OPTIONS, format: z.enum(['pem', 'der', 'chain', 'fullchain', 'p7b']) }),
  ),
  'certs.presets': method<{ presets: PresetInfo[]; profiles: Record<Pkcs12Profile, Pkcs12ProfileInfo> }>()(z.strictObject({})),

  /** OCSP and CRL status of a stored certificate, each answer with its own time (cached until stale unless fresh). */
  'certs.revocation': method<RevocationReport>()(z.strictObject({ id: CERT_REF, fresh: z.boolean().optional() })),

  // --- endpoints: what servers actually serve (issue 14) ---
  /** Every watched endpoint, or those linked to / serving a certificate or one it replaces or that replaces it. */
  'endpoints.list': method<EndpointView[]>()(z.strictObject({ certificateId: CERT_REF.optional() })),
  'endpoints.get': method<EndpointDetail>()(z.strictObject({ id: ENDPOINT_ID })),
  'endpoints.add': method<EndpointView>()(
    z.strictObject({
      host: ENDPOINT_HOST,
      port: PORT.optional(),
      sni: DOMAIN.nullable().optional(),
      protocol: ENDPOINT_PROTOCOL.optional(),
      certificateId: CERT_REF.optional(),
      intervalHours: CHECK_INTERVAL_HOURS.optional(),
    }),
  ),
  /** One endpoint per name of the certificate (wildcards skipped), linked to it. */
  'endpoints.addFromCertificate': method<AddedEndpoints>()(
    z.strictObject({ certificateId: CERT_REF, port: PORT.optional(), protocol: ENDPOINT_PROTOCOL.optional(), intervalHours: CHECK_INTERVAL_HOURS.optional() }),
  ),
  /** One endpoint per line: host, host:port, [v6]:port or a URL. */
  'endpoints.addBulk': method<AddedEndpoints>()(z.strictObject({ text: text(MAX_PASTE_CHARS), certificateId: CERT_REF.optional(), intervalHours: CHECK_INTERVAL_HOURS.optional() })),
  'endpoints.update': method<EndpointView>()(
    z.strictObject({ id: ENDPOINT_ID, certificateId: CERT_REF.nullable().optional(), intervalHours: CHECK_INTERVAL_HOURS.optional(), sni: DOMAIN.nullable().optional(), protocol: ENDPOINT_PROTOCOL.optional() }),
  ),
  'endpoints.remove': method<{ removed: true }>()(z.strictObject({ id: ENDPOINT_ID })),
  /** Checks now (all when no ids): only a TLS handshake (and the STARTTLS command) goes to each endpoint. */
  'endpoints.check': method<CheckReport>()(
    z.strictObject({ ids: z.array(ENDPOINT_ID).max(MAX_ENDPOINTS).optional(), timeoutMs: z.number().int().min(MIN_ENDPOINT_TIMEOUT_MS).max(MAX_ENDPOINT_TIMEOUT_MS).optional() }),
  ),
  /** Endpoints whose verdict is not ok, with since when and the verdict before (dashboard, alerts). */
  'endpoints.problems': method<EndpointProblem[]>()(z.strictObject({})),
  /** "Served by 3 endpoints; 1 still serves the old certificate." */
  'endpoints.deployment': method<DeploymentSummary>()(z.strictObject({ certificateId: CERT_REF })),
  // --- bulk import jobs (many files, folders, bundles of thousands; src-main/core/certs/import-job.ts) ---
  /** Opens a job; `password` is tried for every file that needs one (a file's own password wins). */
  'imports.begin': method<ImportJobStatus>()(z.strictObject({ password: PASSWORD.optional() })),
  /**
   * One file, read and stored at once (all or nothing), or with `queue` kept for the next
   * imports.process (many small files: stored in batches, one disk sync per batch). A file over
   * MAX_IMPORT_BYTES comes in parts of at most that size, in order (part.index from 0 to part.count - 1);
   * the last part's answer is the file's.
   */
  'imports.addFile': method<AddFileResult>()(
    z.strictObject({
      jobId: IMPORT_JOB_ID,
      fileName: FILE_NAME,
      base64: IMPORT_BASE64,
      password: PASSWORD.optional(),
      queue: z.boolean().optional(),
      part: z.strictObject({ index: z.number().int().min(0).max(MAX_FILE_PARTS - 1), count: z.number().int().min(1).max(MAX_FILE_PARTS) }).optional(),
    }),
  ),
  /** CLI only: queues files and every file under the folders named (hidden entries skipped). */
  'imports.addPaths': method<ImportJobStatus>()(z.strictObject({ jobId: IMPORT_JOB_ID, paths: z.array(text(4096)).min(1).max(MAX_SELECTED_IDS) })),
  /** Reads queued files for a bounded time (default 500 files or 0.5 s); call until files.queued is 0. */
  'imports.process': method<ImportJobStatus>()(
    z.strictObject({ jobId: IMPORT_JOB_ID, maxFiles: z.number().int().min(1).max(10_000).optional(), maxMs: z.number().int().min(1).max(60_000).optional() }),
  ),
  /** Progress: files done, refused, the file being read, totals so far. */
  'imports.status': method<ImportJobStatus>()(z.strictObject({ jobId: IMPORT_JOB_ID })),
  /** Ends the job: everything imported, duplicates, matched keys, chains completed, refused files with reasons. */
  'imports.finish': method<ImportJobSummary>()(z.strictObject({ jobId: IMPORT_JOB_ID })),
  /** Ends the job without reading what is still queued (files already imported stay). */
  'imports.cancel': method<ImportJobStatus>()(z.strictObject({ jobId: IMPORT_JOB_ID })),

  // --- Sectigo accounts (passwords go to the OS keychain only; results carry hasPassword) ---
  'accounts.list': method<AccountSummary[]>()(z.strictObject({})),
  'accounts.get': method<AccountSummary>()(z.strictObject({ id: ACCOUNT_ID })),
  'accounts.add': method<AccountSummary>()(
    z.strictObject({
      label: z.string().min(1).max(100),
      loginName: z.string().min(1).max(64),
      environment: ENVIRONMENT,
      /** Optional only for sandbox accounts (the demo password). */
      password: SECTIGO_PASSWORD.optional(),
      baseUrl: text(2048).optional(),
    }),
  ),
  'accounts.update': method<AccountSummary>()(
    z.strictObject({
      id: ACCOUNT_ID,
      label: z.string().min(1).max(100).optional(),
      loginName: z.string().min(1).max(64).optional(),
      password: SECTIGO_PASSWORD.optional(),
      baseUrl: text(2048).nullable().optional(),
    }),
  ),
  'accounts.remove': method<{ removed: true }>()(z.strictObject({ id: ACCOUNT_ID })),
  /** A harmless call (a one-row order report) that proves the login works. */
  'accounts.test': method<ConnectionTest>()(z.strictObject({ id: ACCOUNT_ID })),

  // --- orders ---
  'orders.products': method<ProductInfo[]>()(z.strictObject({})),
  /** GetDCVEmailAddressList; remembered for 24 hours (Sectigo accepts an address only that long after the call). */
  'orders.approverEmails': method<DcvEmailAddressList>()(z.strictObject({ accountId: ACCOUNT_ID, domain: DOMAIN })),
  /** How long a certificate issued now may be valid (CA/B Forum SC-081 schedule), apart from the order term. */
  'orders.validity': method<ValidityOutlook>()(z.strictObject({})),
  'orders.preflight': method<PreflightReport>()(z.strictObject(ORDER_DRAFT)),
  /** Creates the order and sends it (unless submit: false). The row is committed before Sectigo is called. */
  'orders.place': method<OrderDetail>()(z.strictObject({ ...ORDER_DRAFT, submit: z.boolean().optional() })),
  /** Sends a draft or refused order; an unknown one only with resendConfirmed after reconciliation found nothing. */
  'orders.submit': method<OrderDetail>()(z.strictObject({ id: ORDER_ID, resendConfirmed: z.boolean().optional() })),
  /**
   * Newest first unless sorted; `query` matches names, order numbers and ids; `orProblem` adds every order
   * with a recorded problem to `states` (the "Needs attention" view).
   */
  'orders.list': method<Page<OrderSummary>>()(
    z.strictObject({
      accountId: ACCOUNT_ID.optional(),
      states: z.array(ORDER_STATE).max(12).optional(),
      orProblem: z.boolean().optional(),
      query: SEARCH.optional(),
      sort: z.enum(['createdAt', 'state', 'name']).optional(),
      order: z.enum(['asc', 'desc']).optional(),
      ...PAGING,
    }),
  ),
  'orders.get': method<OrderDetail>()(z.strictObject({ id: ORDER_ID })),
  /** A multi-selection as a CSV for a download; read-only, nothing is sent to the CA. */
  'orders.downloadCsv': method<DownloadedFiles>()(z.strictObject({ ids: z.array(ORDER_ID).min(1).max(MAX_SELECTED_IDS) })),
  /** Asks Sectigo now (ignoring the polite interval) and collects the certificate when issued. */
  'orders.collect': method<CollectResult>()(z.strictObject({ id: ORDER_ID })),
  /** Settles unknown orders and brings in orders Sectigo has that CertDesk does not know. */
  'orders.sync': method<SyncReport>()(z.strictObject({ accountId: ACCOUNT_ID })),
  'orders.reissue': method<OrderDetail>()(
    z.strictObject({
      id: ORDER_ID,
      /** Default: a new key of the same type. */
      key: REISSUE_KEY.optional(),
      domains: z.array(DOMAIN_CHOICE).max(MAX_ORDER_DOMAINS).optional(),
      dcvMethod: DCV_METHOD.optional(),
      submit: z.boolean().optional(),
    }),
  ),
  /** A renewal: a new purchase for the order's names, as a draft unless submit: true (default key: a new one of the same type). */
  'orders.renew': method<OrderDetail>()(
    z.strictObject({ id: ORDER_ID, key: REISSUE_KEY.optional(), days: ORDER_DRAFT.days.optional(), productCode: ORDER_DRAFT.productCode.optional(), submit: z.boolean().optional() }),
  ),
  'orders.revoke': method<OrderActionResult>()(
    z.strictObject({
      id: ORDER_ID,
      reason: z.string().min(1).max(1024),
      reasonCode: z.enum(['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation']).optional(),
      /** Revocation cannot be undone: the UI asks first. */
      confirmed: z.literal(true),
    }),
  ),
  'orders.cancel': method<OrderDetail>()(z.strictObject({ id: ORDER_ID })),
  'orders.removeDomain': method<OrderActionResult>()(z.strictObject({ id: ORDER_ID, domain: DOMAIN })),
  'orders.ovCallback': method<OrderActionResult>()(z.strictObject({ id: ORDER_ID, request: OV_REQUEST })),
  'orders.evClickThrough': method<OrderActionResult>()(z.strictObject({ id: ORDER_ID, email: EMAIL_ADDRESS.optional() })),

  // --- DCV help ---
  'dcv.show': method<DcvInstruction[]>()(z.strictObject({ orderId: ORDER_ID })),
  'dcv.file': method<{ fileName: string; content: string; url: string; domain: string }>()(z.strictObject({ orderId: ORDER_ID, domain: DOMAIN.optional() })),
  'dcv.check': method<DcvCheckResult[]>()(z.strictObject({ orderId: ORDER_ID })),
  'dcv.setMethod': method<OrderActionResult>()(z.strictObject({ orderId: ORDER_ID, domain: DOMAIN.optional(), method: DCV_METHOD, email: EMAIL_ADDRESS.optional() })),
  'dcv.resend': method<OrderActionResult>()(z.strictObject({ orderId: ORDER_ID, email: EMAIL_ADDRESS.optional() })),

  // --- push receiver (off by default) ---
  /** Saves the settings as on and listens (127.0.0.1 unless a host is chosen); the password goes to the OS keychain, never into a result. */
  'push.start': method<PushStatus>()(
    z.strictObject({
      port: z.number().int().min(1).max(65535),
      host: text(255).optional(),
      username: z.string().min(1).max(128),
      password: z.string().min(12).max(256).optional(),
      publicUrl: text(2048).optional(),
    }),
  ),
  'push.status': method<PushStatus>()(z.strictObject({})),
  'push.stop': method<PushStatus>()(z.strictObject({})),

  // --- Sandbox CA: what a person does at a real CA, for sandbox orders ---
  'sandbox.simulate': method<{ message: string; order: OrderDetail }>()(
    z.strictObject({ orderId: ORDER_ID, action: z.enum(['approve_dcv', 'complete_validation', 'reject']), domain: DOMAIN.optional() }),
  ),

  // --- alerts, activity, settings, updates, diagnostics (issue 13) ---
  /** Redacted text for a bug report: versions, trust store, the doctor report, recent log lines. */
  'app.diagnostics': method<DiagnosticsBundle>()(z.strictObject({})),
  /** The alerts that hold now; needsAction counts those neither muted nor snoozed. */
  'alerts.list': method<AlertsReport>()(z.strictObject({})),
  /** The web shell's browser notifications, after the user opted in: alerts not shown yet in their state. */
  'alerts.claim': method<AlertView[]>()(z.strictObject({ channel: z.literal('browser') })),
  'alerts.snooze': method<AlertView>()(z.strictObject({ key: ALERT_KEY, hours: z.number().int().min(1).max(MAX_SNOOZE_HOURS) })),
  'alerts.unsnooze': method<AlertView>()(z.strictObject({ key: ALERT_KEY })),
  /** The audit trail, newest first; `beforeId` pages back. */
  'activity.list': method<{ events: EventRow[] }>()(z.strictObject({ limit: z.number().int().min(1).max(MAX_ACTIVITY_EVENTS).optional(), beforeId: z.number().int().min(1).optional() })),
  'settings.get': method<SettingsView>()(z.strictObject({})),
  'settings.update': method<SettingsView>()(
    z.strictObject({
      alerts: z.strictObject({ muted: z.array(z.enum(ALERT_KINDS)).max(ALERT_KINDS.length).optional(), quietHours: z.strictObject({ enabled: z.boolean().optional(), start: CLOCK_TIME_SCHEMA.optional(), end: CLOCK_TIME_SCHEMA.optional() }).optional() }).optional(),
      updates: z.strictObject({ checkAutomatically: z.boolean().optional(), allowPrerelease: z.boolean().optional(), skippedVersion: z.string().max(64).nullable().optional() }).optional(),
      desktop: z.strictObject({ startAtLogin: z.boolean().optional() }).optional(),
    }),
  ),
  /** Asks the update feed now (the user's "check now", or on start when automatic checks are on). */
  'updates.check': method<UpdateCheck>()(z.strictObject({})),
  /** Desktop app only: downloads the offered version (electron-updater verifies it) and restarts into it. */
  'updates.install': method<UpdateCheck>()(z.strictObject({ version: z.string().min(1).max(64) })),
} as const

export type Contract = typeof contract
export type MethodName = keyof Contract
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>
export type MethodOutput<M extends MethodName> = Contract[M]['output']

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo }

/** The shape of `window.certdesk` and of the web shell client: one async function per method. */
export type CertDeskApi = {
  [M in MethodName]: (input: MethodInput<M>) => Promise<Result<MethodOutput<M>>>
}


// Compile-time check: method-names.ts lists exactly the contract's methods.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never
export const methodNamesMatchContract: Same<MethodName, MethodNameList> = true
