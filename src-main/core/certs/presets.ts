import { CoreError } from '../errors'
import { PKCS12_PROFILES, type Pkcs12Profile } from '../pki/formats/pkcs12'
import { assertNever } from '../util/assert-never'
import type { ExportOptions } from './types'

/** Servers CertDesk writes a ready-to-use file set for. */
export const SERVER_PRESETS = ['nginx', 'apache', 'iis', 'tomcat', 'haproxy'] as const
export type ServerPreset = (typeof SERVER_PRESETS)[number]

export interface PresetInfo {
  id: ServerPreset
  label: string
  /** What the preset writes, in one line. */
  description: string
  /** 'required': the files are password-protected (PKCS#12); 'optional': the key may be encrypted or, with confirmation, plain; 'plain': the server cannot read an encrypted key. */
  password: 'required' | 'optional' | 'plain'
  defaultProfile: Pkcs12Profile | null
}

export const PRESET_INFO: Record<ServerPreset, PresetInfo> = {
  nginx: {
    id: 'nginx',
    label: 'nginx',
    description: 'Full chain PEM (leaf first) and the private key PEM.',
    password: 'optional',
    defaultProfile: null,
  },
  apache: {
    id: 'apache',
    label: 'Apache httpd',
    description: 'Certificate PEM, intermediates as .ca-bundle, and the private key PEM.',
    password: 'optional',
    defaultProfile: null,
  },
  iis: {
    id: 'iis',
    label: 'IIS / Exchange',
    description: `One .pfx with key and chain; Compatible profile by default so Windows Server 2016 opens it. ${PKCS12_PROFILES.compatible.opensOn}`,
    password: 'required',
    defaultProfile: 'compatible',
  },
  tomcat: {
    id: 'tomcat',
    label: 'Tomcat / Java',
    description: `One PKCS#12 keystore with key and chain; Modern profile by default (Java 8u301+). ${PKCS12_PROFILES.modern.opensOn}`,
    password: 'required',
    defaultProfile: 'modern',
  },
  haproxy: {
    id: 'haproxy',
    label: 'HAProxy',
    description: 'One PEM holding the certificate, the intermediates and the unencrypted private key.',
    password: 'plain',
    defaultProfile: null,
  },
}

export interface PresetRequest {
  preset: ServerPreset
  password?: string
  profile?: Pkcs12Profile
  includeRoot?: boolean
  unencryptedKey?: boolean
  iterations?: number
  /** Accept a short export password (lab use); see export-password.ts. */
  allowShortPassword?: boolean
}

export interface PlannedPresetFile {
  fileName: string
  options: ExportOptions
  note: string
  /** Skip this file (rather than fail) when the chain has no intermediates. */
  optionalWhenNoIntermediates?: boolean
}

/** The files a preset writes, with the export options of each and where it goes. */
export function planPreset(req: PresetRequest, base: string): PlannedPresetFile[] {
  const includeRoot = req.includeRoot ?? false
  const keyOptions = (): ExportOptions => {
    if (req.password) return { format: 'key', password: req.password, ...(req.iterations ? { iterations: req.iterations } : {}) }
    if (req.unencryptedKey) return { format: 'key', unencryptedKey: true }
    throw new CoreError('invalid_input', `The ${PRESET_INFO[req.preset].label} preset writes the private key: give a password to encrypt it, or confirm an unencrypted key.`)
  }
  const keyNote = (directive: string): string =>
    req.password
      ? `${directive}. The key is encrypted: the server must be given its password at start (see its passphrase option).`
      : `${directive}. Unencrypted private key: keep it mode 0600, owned by the server's user or root.`
  switch (req.preset) {
    case 'nginx':
      return [
        { fileName: `${base}.fullchain.pem`, options: { format: 'fullchain', includeRoot }, note: `nginx: ssl_certificate /etc/nginx/ssl/${base}.fullchain.pem; (certificate first, then intermediates)` },
        { fileName: `${base}.key`, options: keyOptions(), note: keyNote(`nginx: ssl_certificate_key /etc/nginx/ssl/${base}.key;${req.password ? ' plus ssl_password_file' : ''}`) },
      ]
    case 'apache':
      return [
        { fileName: `${base}.crt`, options: { format: 'pem' }, note: `Apache: SSLCertificateFile /etc/ssl/certs/${base}.crt` },
        {
          fileName: `${base}.ca-bundle`,
          options: { format: 'chain', includeRoot },
          note: `Apache: SSLCertificateChainFile /etc/ssl/certs/${base}.ca-bundle (on 2.4.8+ you may instead append it to ${base}.crt and drop this directive)`,
          optionalWhenNoIntermediates: true,
        },
        { fileName: `${base}.key`, options: keyOptions(), note: keyNote(`Apache: SSLCertificateKeyFile /etc/ssl/private/${base}.key${req.password ? ' plus SSLPassPhraseDialog' : ''}`) },
      ]
    case 'iis': {
      if (!req.password) throw new CoreError('invalid_input', 'The IIS/Exchange preset writes a .pfx, which needs a password.')
      const profile = req.profile ?? 'compatible'
      return [
        {
          fileName: `${base}.pfx`,
          options: { format: 'pfx', profile, password: req.password, includeRoot, ...(req.iterations ? { iterations: req.iterations } : {}) },
          note: `IIS: IIS Manager > Server Certificates > Import (or Import-PfxCertificate -CertStoreLocation Cert:\\LocalMachine\\My), then bind it to the site. Exchange: Import-ExchangeCertificate, then Enable-ExchangeCertificate. Profile ${profile}: ${PKCS12_PROFILES[profile].opensOn}`,
        },
      ]
    }
    case 'tomcat': {
      if (!req.password) throw new CoreError('invalid_input', 'The Tomcat/Java preset writes a PKCS#12 keystore, which needs a password.')
      // JDK 17's PKCS#12 reader fails with "Password is not ASCII" (seen with keytool here).
      if (!/^[\x20-\x7e]+$/.test(req.password)) throw new CoreError('invalid_input', 'Java cannot open a PKCS#12 keystore whose password has non-ASCII characters; choose an ASCII password for Tomcat.')
      const profile = req.profile ?? 'modern'
      const alias = base.toLowerCase()
      return [
        {
          fileName: `${base}.p12`,
          options: { format: 'pfx', profile, password: req.password, includeRoot, friendlyName: alias, ...(req.iterations ? { iterations: req.iterations } : {}) },
          note: `Tomcat (server.xml): <Certificate certificateKeystoreFile="conf/${base}.p12" certificateKeystoreType="PKCS12" certificateKeystorePassword="..." certificateKeyAlias="${alias}"/>. Java older than 8u301 needs the Compatible profile.`,
        },
      ]
    }
    case 'haproxy':
      if (!req.unencryptedKey) {
        throw new CoreError('invalid_input', 'HAProxy cannot read an encrypted key, so this preset writes it unencrypted: confirm that explicitly.')
      }
      return [
        {
          fileName: `${base}.pem`,
          options: { format: 'bundle', unencryptedKey: true, includeRoot },
          note: `HAProxy: bind :443 ssl crt /etc/haproxy/certs/${base}.pem (certificate, intermediates, then the unencrypted key: keep it 0600).`,
        },
      ]
    default:
      return assertNever(req.preset)
  }
}
