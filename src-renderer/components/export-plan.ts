/**
 * The export dialog's logic without React: the formats offered, what a file will contain (the
 * preview line), default file names, client-side checks that say why the button is disabled, and
 * the request sent to core. Core checks everything again; these checks only save a round trip.
 */
import type { MethodInput, MethodOutput } from '../../src-main/core/api/contract'
import type { MIN_EXPORT_PASSWORD_LENGTH } from '../../src-main/core/certs/export-password'
import { plural, type CertificateDetail } from './cert-format'

export type ExportFormat = MethodInput<'certs.exportToFile'>['format']
export type DownloadFormat = MethodInput<'certs.download'>['format']
export type ServerPreset = MethodInput<'certs.exportPreset'>['preset']
export type Pkcs12Profile = 'modern' | 'compatible'
export type ChainOrder = 'leaf-first' | 'root-first'
export type PresetsInfo = MethodOutput<'certs.presets'>
export type PresetInfo = PresetsInfo['presets'][number]

export interface FormatInfo {
  id: ExportFormat
  title: string
  text: string
  group: 'public' | 'key'
  /** Holds only the certificate or only the key: chain options do not apply. */
  leafOnly: boolean
  /** The includeChain switch applies (the chain formats always hold the chain). */
  optionalChain: boolean
}

export const FORMATS: readonly FormatInfo[] = [
  { id: 'pem', title: 'Certificate (PEM)', text: 'The certificate alone, as text.', group: 'public', leafOnly: true, optionalChain: false },
  { id: 'der', title: 'Certificate (DER, .cer)', text: 'The certificate alone, binary (Windows, Java).', group: 'public', leafOnly: true, optionalChain: false },
  { id: 'chain', title: 'Intermediates (.chain.pem)', text: 'CA certificates only: Apache chain file, ca-bundle.', group: 'public', leafOnly: false, optionalChain: false },
  { id: 'fullchain', title: 'Full chain (PEM)', text: 'Certificate, then intermediates: nginx, most servers.', group: 'public', leafOnly: false, optionalChain: false },
  { id: 'p7b', title: 'PKCS#7 (.p7b)', text: 'Certificates only, in one file: Windows, Java.', group: 'public', leafOnly: false, optionalChain: true },
  { id: 'pfx', title: 'PKCS#12 (.pfx)', text: 'Key and chain under a password: IIS, Java, appliances.', group: 'key', leafOnly: false, optionalChain: true },
  { id: 'key', title: 'Private key (.key)', text: 'Encrypted PKCS#8, or unencrypted if you say so.', group: 'key', leafOnly: true, optionalChain: false },
  { id: 'bundle', title: 'Key + full chain (PEM)', text: 'Certificate, chain and key in one PEM (HAProxy).', group: 'key', leafOnly: false, optionalChain: true },
]

export function formatInfo(id: ExportFormat): FormatInfo {
  return FORMATS.find((f) => f.id === id) ?? (FORMATS[0] as FormatInfo)
}

const DOWNLOADABLE: readonly string[] = ['pem', 'der', 'chain', 'fullchain', 'p7b']

/** Public formats can also be downloaded through the browser; key formats only go to files. */
export function isDownloadable(f: ExportFormat): f is DownloadFormat {
  return DOWNLOADABLE.includes(f)
}

export interface FormatState {
  format: ExportFormat
  includeRoot: boolean
  includeChain: boolean
  chainOrder: ChainOrder
  encoding: 'pem' | 'der'
  profile: Pkcs12Profile
  password: string
  confirm: string
  /** Empty means the profile's default. */
  iterations: string
  friendlyName: string
  unencryptedKey: boolean
}

export interface PresetState {
  preset: ServerPreset
  includeRoot: boolean
  profile: Pkcs12Profile
  password: string
  confirm: string
  iterations: string
  unencryptedKey: boolean
}

export const INITIAL_FORMAT: FormatState = {
  format: 'fullchain',
  includeRoot: false,
  includeChain: true,
  chainOrder: 'leaf-first',
  encoding: 'pem',
  profile: 'modern',
  password: '',
  confirm: '',
  iterations: '',
  friendlyName: '',
  unencryptedKey: false,
}

export function initialPreset(preset: ServerPreset, info: PresetInfo | undefined): PresetState {
  return {
    preset,
    includeRoot: false,
    profile: info?.defaultProfile ?? 'modern',
    password: '',
    confirm: '',
    iterations: '',
    unencryptedKey: false,
  }
}

export interface ChainShape {
  intermediates: number
  /** The chain ends in a root CertDesk or the system knows, so it can be included. */
  rootKnown: boolean
}

export function chainShape(chain: CertificateDetail['chain']): ChainShape {
  const last = chain.links[chain.links.length - 1]
  return {
    intermediates: chain.links.filter((l) => l.role === 'intermediate').length,
    rootKnown: chain.links.length > 1 && last?.role === 'root',
  }
}

/** Java's PKCS#12 reader refuses passwords outside printable ASCII (seen with JDK 17 keytool). */
export function isPrintableAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s)
}

/** "This file will contain: leaf, 1 intermediate (root not included)". */
export function previewLine(s: FormatState, shape: ChainShape): string {
  const f = formatInfo(s.format)
  if (s.format === 'key') {
    return `This file will contain: the private key only, ${s.unencryptedKey ? 'UNENCRYPTED' : 'encrypted with your password'}.`
  }
  if (f.leafOnly) return 'This file will contain: the certificate only (leaf, no chain).'
  const withLeaf = s.format !== 'chain'
  const withIntermediates = f.optionalChain ? s.includeChain : true
  const withRoot = s.includeRoot && shape.rootKnown
  const parts: string[] = []
  if (withLeaf) parts.push('leaf')
  if (withIntermediates && shape.intermediates > 0) parts.push(plural(shape.intermediates, 'intermediate'))
  if (withRoot) parts.push('root')
  if (s.chainOrder === 'root-first') parts.reverse()
  if (s.format === 'pfx') parts.unshift('private key')
  if (s.format === 'bundle') parts.push(s.unencryptedKey ? 'private key (UNENCRYPTED)' : 'private key (encrypted)')
  const notes: string[] = []
  if (!withRoot) notes.push(shape.rootKnown ? 'root not included' : 'root not known to CertDesk')
  if (f.optionalChain && !s.includeChain && shape.intermediates > 0) notes.push('intermediates not included')
  if (withIntermediates && shape.intermediates === 0) notes.push('no intermediates known')
  const list = parts.length ? parts.join(', ') : 'nothing'
  return `This file will contain: ${list}${notes.length ? ` (${notes.join('; ')})` : ''}.`
}

/**
 * The name a file gets unless the user types one. A PKCS#12 file says its profile
 * (`site.modern.pfx`, `site.compatible.pfx`): the two open on different systems, and the name is all
 * an admin sees when choosing which one to copy to an old Windows server.
 */
export function defaultFileName(base: string, s: Pick<FormatState, 'format' | 'encoding' | 'profile'>): string {
  switch (s.format) {
    case 'pem':
      return `${base}.pem`
    case 'der':
      return `${base}.cer`
    case 'chain':
      return `${base}.chain.pem`
    case 'fullchain':
      return `${base}.fullchain.pem`
    case 'p7b':
      return `${base}.p7b`
    case 'pfx':
      return `${base}.${s.profile}.pfx`
    case 'key':
      return `${base}.key`
    case 'bundle':
      return `${base}.bundle.pem`
  }
}

const FILE_NAME = /^[^/\\\0]{1,200}$/

export function fileNameProblem(name: string): string | null {
  const n = name.trim()
  if (n === '') return 'Give the file a name.'
  if (!FILE_NAME.test(n) || n === '.' || n === '..') return 'A file name only: no folders or slashes.'
  return null
}

/** Same limits as core for a key export's KDF (pkcs8.ts) and, per profile, for PKCS#12. */
const KEY_MIN_ITERATIONS = 2_048
const KEY_MAX_ITERATIONS = 2_000_000

function iterationsProblem(text: string, min: number, max: number): string | null {
  if (text.trim() === '') return null
  const n = Number(text)
  if (!Number.isInteger(n) || n < min || n > max) {
    return `Iterations must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}.`
  }
  return null
}

/**
 * Core refuses a shorter export password (certs/export-password.ts); a copy, held equal by the
 * compiler, so the form says so before it is sent. The CLI's --allow-short-password has no UI.
 */
export const MIN_EXPORT_PASSWORD_CHARS: typeof MIN_EXPORT_PASSWORD_LENGTH = 10

function passwordPairProblem(password: string, confirm: string): string | null {
  if (password === '') return 'Enter a password.'
  if (confirm !== password) return 'The two passwords differ.'
  if ([...password].length < MIN_EXPORT_PASSWORD_CHARS) {
    return `Use at least ${MIN_EXPORT_PASSWORD_CHARS} characters: the file can be attacked offline wherever it goes. A few words make a long password that is easy to type.`
  }
  return null
}

/** Why the format export cannot be sent yet, or null when it can. */
export function formatProblem(
  s: FormatState,
  shape: ChainShape,
  hasKey: boolean,
  profiles: PresetsInfo['profiles'] | undefined,
): string | null {
  const f = formatInfo(s.format)
  if (f.group === 'key' && !hasKey) return 'CertDesk has no private key for this certificate; choose a format without a key.'
  if (s.includeRoot && !f.leafOnly && !shape.rootKnown) return 'The root is not known, so it cannot be included.'
  if (s.format === 'chain' && shape.intermediates === 0 && !(s.includeRoot && shape.rootKnown)) {
    return 'There are no intermediates to export: include the root, or choose the full chain.'
  }
  if (s.format === 'pfx') {
    const profile = profiles?.[s.profile]
    return (
      passwordPairProblem(s.password, s.confirm) ??
      (profile ? iterationsProblem(s.iterations, profile.minIterations, profile.maxIterations) : null)
    )
  }
  if (s.format === 'key' || s.format === 'bundle') {
    if (s.unencryptedKey) return null
    return passwordPairProblem(s.password, s.confirm) ?? iterationsProblem(s.iterations, KEY_MIN_ITERATIONS, KEY_MAX_ITERATIONS)
  }
  return null
}

type FormatOptions = Omit<MethodInput<'certs.exportToFile'>, 'id' | 'destination' | 'overwrite'>

/** Only the options that apply to the chosen format: core refuses the others. */
export function formatOptions(s: FormatState): FormatOptions {
  const f = formatInfo(s.format)
  const o: FormatOptions = { format: s.format }
  if (!f.leafOnly) {
    o.includeRoot = s.includeRoot
    o.chainOrder = s.chainOrder
    if (f.optionalChain) o.includeChain = s.includeChain
  }
  if (s.format === 'p7b') o.encoding = s.encoding
  const iterations = s.iterations.trim() === '' ? undefined : Number(s.iterations)
  if (s.format === 'pfx') {
    o.profile = s.profile
    o.password = s.password
    if (iterations !== undefined) o.iterations = iterations
    if (s.friendlyName.trim() !== '') o.friendlyName = s.friendlyName.trim()
  }
  if (s.format === 'key' || s.format === 'bundle') {
    if (s.unencryptedKey) o.unencryptedKey = true
    else {
      o.password = s.password
      if (iterations !== undefined) o.iterations = iterations
    }
  }
  return o
}

export function downloadOptions(s: FormatState): Omit<MethodInput<'certs.download'>, 'id'> {
  const o = formatOptions(s)
  if (!isDownloadable(o.format)) throw new Error(`${o.format} cannot be downloaded`)
  return { ...o, format: o.format }
}

/** "The folder will contain: …" for a server preset, in the words of the format preview. */
export function presetPreviewLine(s: PresetState, shape: ChainShape): string {
  const root = s.includeRoot && shape.rootKnown
  const chain = [
    shape.intermediates > 0 ? plural(shape.intermediates, 'intermediate') : null,
    root ? 'root' : null,
  ].filter((x): x is string => x !== null)
  const chainText = chain.length ? chain.join(', ') : 'no intermediates known'
  const rootNote = root ? '' : shape.rootKnown ? '; root not included' : ''
  const key = s.unencryptedKey ? 'private key (UNENCRYPTED)' : 'private key (encrypted)'
  switch (s.preset) {
    case 'nginx':
      return `The folder will contain: full chain (leaf, ${chainText}${rootNote}) and the ${key}.`
    case 'apache':
      return `The folder will contain: the certificate, a ca-bundle (${chainText}${rootNote}) and the ${key}.`
    case 'iis':
    case 'tomcat':
      return `The folder will contain: one PKCS#12 file (${s.profile} profile) with the private key, leaf, ${chainText}${rootNote}.`
    case 'haproxy':
      return `The folder will contain: one PEM with leaf, ${chainText}${rootNote}, and the private key (UNENCRYPTED).`
  }
}

/** Why the preset cannot be sent yet, or null. */
export function presetProblem(s: PresetState, info: PresetInfo | undefined, shape: ChainShape, hasKey: boolean): string | null {
  if (!hasKey) return 'Every server preset writes the private key, and CertDesk has none for this certificate.'
  if (s.includeRoot && !shape.rootKnown) return 'The root is not known, so it cannot be included.'
  if (!info) return null
  switch (info.password) {
    case 'required': {
      const p = passwordPairProblem(s.password, s.confirm)
      if (p) return p
      if (s.preset === 'tomcat' && !isPrintableAscii(s.password)) {
        return 'Java cannot open a keystore whose password has non-ASCII characters: use letters, digits and ASCII symbols.'
      }
      return null
    }
    case 'optional':
      return s.unencryptedKey ? null : passwordPairProblem(s.password, s.confirm)
    case 'plain':
      return s.unencryptedKey ? null : `${info.label} cannot read an encrypted key: confirm that it is written unencrypted.`
  }
}

type PresetOptions = Omit<MethodInput<'certs.exportPreset'>, 'id' | 'destination' | 'overwrite'>

export function presetOptions(s: PresetState, info: PresetInfo | undefined): PresetOptions {
  const o: PresetOptions = { preset: s.preset, includeRoot: s.includeRoot }
  const iterations = s.iterations.trim() === '' ? undefined : Number(s.iterations)
  const mode = info?.password ?? 'optional'
  if (mode === 'required') {
    o.password = s.password
    o.profile = s.profile
    if (iterations !== undefined) o.iterations = iterations
  } else if (mode === 'plain' || s.unencryptedKey) {
    o.unencryptedKey = true
  } else {
    o.password = s.password
  }
  return o
}
