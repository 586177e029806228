import type { PublicKeyInfo } from '../src-main/core/pki/keys'

const KEY_TYPE_LABELS: Readonly<Record<string, string>> = {
  'ec-p256': 'ECDSA P-256',
  'ec-p384': 'ECDSA P-384',
  'rsa-2048': 'RSA 2048',
  'rsa-3072': 'RSA 3072',
  'rsa-4096': 'RSA 4096',
}

/** "ECDSA P-256", "RSA 3072"...: the stored algorithm id as people say it. */
export function keyTypeLabel(algorithm: string): string {
  return KEY_TYPE_LABELS[algorithm] ?? algorithm
}

export function publicKeyLabel(k: Pick<PublicKeyInfo, 'algorithm' | 'bits' | 'curve' | 'rsaPss'>): string {
  switch (k.algorithm) {
    case 'rsa':
      return `RSA${k.rsaPss ? '-PSS' : ''} ${k.bits ?? '?'} bits`
    case 'ec':
      return `ECDSA ${k.curve ?? 'unknown curve'}`
    case 'ed25519':
      return 'Ed25519'
    case 'ed448':
      return 'Ed448'
    case 'dsa':
      return `DSA ${k.bits ?? '?'} bits`
    case 'unknown':
      return 'Unknown key type'
  }
}

const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function formatDate(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : DATE.format(d)
}

/** A fingerprint shortened for tables; the full value is in the title and the detail view. */
export function shortHex(hex: string, chars = 16): string {
  return hex.length <= chars ? hex : `${hex.slice(0, chars)}…`
}

/** A file name from a label: letters, digits, dots and dashes only. */
export function fileBase(name: string): string {
  const cleaned = name
    .replace(/^\*\./, 'wildcard.')
    .replace(/[^A-Za-z0-9.-]+/g, '_')
    .replace(/^[._]+|[._]+$/g, '')
  return cleaned.slice(0, 80) || 'certdesk'
}
