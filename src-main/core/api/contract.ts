/**
 * The contract: every method a front door (Electron IPC, web shell, CLI) can call, with its zod
 * input schema and its result type. Adding a feature starts here; test/unit/api/contract.test.ts
 * snapshots the list so every change to the surface shows in review. Results never carry a private
 * key, a data key or a password.
 */
import { z } from 'zod'
import type { ErrorInfo } from '../errors'
import type { CsrAnalysis, CsrDetail, CsrSummary } from '../keys/csr-service'
import type { KeySummary } from '../keys/key-service'
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
