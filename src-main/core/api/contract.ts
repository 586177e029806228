/**
 * The contract: every method a front door (Electron IPC, web shell, CLI) can call, with its zod
 * input schema and its result type. Adding a feature starts here; test/unit/api/contract.test.ts
 * snapshots the list so every change to the surface shows in review. Results never carry a private
 * key, a data key or a password.
 */
import { z } from 'zod'
import type { ErrorInfo } from '../errors'
import type { PresetInfo } from '../certs/presets'
import type { CertificateDetail, CertificateSummary, ExportResult, ImportReport } from '../certs/types'
import type { CsrAnalysis, CsrDetail, CsrSummary } from '../keys/csr-service'
import type { KeySummary } from '../keys/key-service'
import type { Pkcs12Profile, Pkcs12ProfileInfo } from '../pki/formats/pkcs12'
import type { LintFinding } from '../pki/lint'
import type { VaultStatus } from '../vault/vault'
import type { MethodNameList } from './method-names'

/** Largest pasted text a method accepts (a CSR is at most 32 KiB; PEM armour and slack on top). */
export const MAX_PASTE_CHARS = 64 * 1024
const MAX_LABEL = 200
const MAX_SANS = 1000

export const KEY_TYPE = z.enum(['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'])
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
const PASSWORD = text(1024)
/** Matches MAX_IMPORT_BYTES (pki/formats/limits.ts). */
const MAX_IMPORT_BYTES = 4 * 1024 * 1024
/** A file name chosen in the UI: no folders, the front door decides where it goes. */
const FILE_NAME = z.string().min(1).max(200).regex(/^[^/\\\0]+$/, 'a file name without folders').refine((n) => n !== '.' && n !== '..', 'not a file name')
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

export interface AppInfo {
  version: string
  dataDir: string
  frontDoor: 'electron' | 'web' | 'cli'
}

/** Declares a method: its input schema now, its output type for the compiler. */
function method<Output>() {
  return <Input extends z.ZodType>(input: Input) => ({ input, output: undefined as unknown as Output })
}

export const contract = {
  // --- app and vault ---
  'app.info': method<AppInfo>()(z.strictObject({})),
  'vault.status': method<VaultStatus>()(z.strictObject({})),
  'vault.setupPassphrase': method<VaultStatus>()(z.strictObject({ passphrase: text(1024) })),
  'vault.unlock': method<VaultStatus>()(z.strictObject({ passphrase: text(1024) })),

  // --- keys and CSRs ---
  'keys.list': method<KeySummary[]>()(z.strictObject({})),
  'keys.get': method<KeySummary>()(z.strictObject({ id: id('key') })),
  'csrs.generate': method<CsrDetail>()(
    z.strictObject({
      keyType: KEY_TYPE,
      keyId: id('key').optional(),
      subject: SUBJECT,
      sans: z.array(text(253)).max(MAX_SANS),
      label: text(MAX_LABEL).optional(),
    }),
  ),
  'csrs.checkDraft': method<LintFinding[]>()(
    z.strictObject({ keyType: KEY_TYPE, subject: SUBJECT, sans: z.array(text(253)).max(MAX_SANS) }),
  ),
  'csrs.list': method<CsrSummary[]>()(z.strictObject({})),
  'csrs.get': method<CsrDetail>()(z.strictObject({ id: id('csr') })),
  'csrs.decode': method<CsrAnalysis>()(
    z.strictObject({ text: text(MAX_PASTE_CHARS), uniqueValue: z.string().regex(/^[A-Za-z0-9]{1,20}$/).optional() }),
  ),
  'csrs.lint': method<LintFinding[]>()(z.strictObject({ text: text(MAX_PASTE_CHARS) })),
  'csrs.import': method<CsrDetail>()(z.strictObject({ text: text(MAX_PASTE_CHARS), label: text(MAX_LABEL).optional() })),

  // --- certificates: import and export ---
  'certs.list': method<CertificateSummary[]>()(z.strictObject({ roles: z.array(z.enum(['leaf', 'intermediate', 'root'])).optional() })),
  'certs.get': method<CertificateDetail>()(z.strictObject({ id: CERT_REF })),
  'certs.importText': method<ImportReport>()(z.strictObject({ text: text(MAX_IMPORT_BYTES), password: PASSWORD.optional() })),
  'certs.importBytes': method<ImportReport>()(
    z.strictObject({ fileName: FILE_NAME, base64: text(Math.ceil((MAX_IMPORT_BYTES * 4) / 3) + 4), password: PASSWORD.optional() }),
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
      baseName: text(100).optional(),
      overwrite: z.boolean().optional(),
    }),
  ),
  /** Public formats only: bytes for a browser or renderer download. Key-bearing exports go to files. */
  'certs.download': method<DownloadedExport>()(
    z.strictObject({ id: CERT_REF, ...EXPORT_OPTIONS, format: z.enum(['pem', 'der', 'chain', 'fullchain', 'p7b']) }),
  ),
  'certs.presets': method<{ presets: PresetInfo[]; profiles: Record<Pkcs12Profile, Pkcs12ProfileInfo> }>()(z.strictObject({})),
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
