import { PRESET_INFO, SERVER_PRESETS } from '../certs/presets'
import type { ParsedCertificate } from '../pki/formats/certificate'
import { encodePem } from '../pki/pem'
import type { CertificateRow } from '../store/certificates-repo'
import type { Fix } from './types'

/**
 * What to deploy to fix what a check found: the chain in the right order (for a missing intermediate,
 * extras, a wrong order or a needless root), or the newer certificate (renewed but not deployed), each
 * with the `certdesk export` commands that write exactly those files for each server preset
 * (certs/presets.ts). Commands name a password file rather than a password (secrets never go on a
 * command line).
 */

/** `certdesk export` for one preset, with the key option the preset needs. */
function presetCommand(certificateId: string, preset: (typeof SERVER_PRESETS)[number]): string {
  const key = PRESET_INFO[preset].password === 'plain' ? '--unencrypted-key' : '--password-file PASSWORD_FILE'
  return `certdesk export ${certificateId} --preset ${preset} --out-dir ./${preset} ${key}`
}

function presets(row: CertificateRow | null): Fix['presets'] {
  if (!row) return []
  const withKey = row.keyId !== null
  return [
    { preset: 'nginx' as const, label: 'Certificate and chain only (no key needed)', command: `certdesk export ${row.id} --format fullchain --out ./fullchain.pem` },
    ...(withKey ? SERVER_PRESETS.map((p) => ({ preset: p, label: PRESET_INFO[p].label, command: presetCommand(row.id, p) })) : []),
  ]
}

/** The chain the server should send: the leaf, then each intermediate up to (not including) the root. */
export function chainFix(leafRow: CertificateRow | null, chain: readonly ParsedCertificate[]): Fix {
  const intermediates = chain.slice(1).filter((c) => !c.selfSigned)
  return {
    kind: 'deploy-chain',
    certificateId: leafRow?.id ?? null,
    text: `Deploy the certificate followed by ${intermediates.length === 1 ? 'its intermediate' : `its ${intermediates.length} intermediates`}, in this order, without the root${leafRow ? '' : ' (the certificate is not in CertDesk: append the intermediates below to the certificate file on the server)'}.`,
    certificates: [chain[0], ...intermediates].filter((c): c is ParsedCertificate => c !== undefined).map((c) => ({ fingerprintSha256: c.fingerprintSha256, subject: c.subject })),
    presets: presets(leafRow),
    chainPem: intermediates.length ? intermediates.map((c) => encodePem('CERTIFICATE', c.der)).join('') : null,
  }
}

/** Deploy `target` (the renewal, or the certificate the endpoint is linked to) in place of what is served. */
export function certificateFix(target: CertificateRow, text: string): Fix {
  return {
    kind: 'deploy-certificate',
    certificateId: target.id,
    text: `${text}${target.keyId === null ? ' CertDesk has the certificate but not its private key: use the key the server already has for it.' : ''}`,
    certificates: [{ fingerprintSha256: target.fingerprintSha256, subject: target.subject }],
    presets: presets(target),
    chainPem: null,
  }
}

/** The endpoint serves a certificate it is not linked to: deploy the linked one, or link the served one. */
export function linkFix(expected: CertificateRow | null, served: CertificateRow | null): Fix {
  const fix = expected ? certificateFix(expected, `Deploy ${expected.commonName ?? expected.id} (${expected.id}) on this server.`) : null
  return {
    kind: 'link-certificate',
    certificateId: expected?.id ?? null,
    text: `${fix ? fix.text : 'Deploy the certificate this server should serve.'} If the server is right, link the endpoint to ${served ? `${served.id}` : 'the certificate it serves (import it first)'} instead.`,
    certificates: fix?.certificates ?? [],
    presets: fix?.presets ?? [],
    chainPem: null,
  }
}
