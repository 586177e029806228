import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { arch, platform, release } from 'node:os'
import { join } from 'node:path'
import { LOG_FILE_NAME } from '../log/file-sink'
import { redactText } from '../log/logger'
import type { NetworkSetup } from '../core'
import type { TrustStore } from '../pki/chain/trust-store'

/** Log lines in a diagnostics bundle: enough to see what led up to a crash. */
export const DIAGNOSTICS_LOG_LINES = 60
/** Read at most this much of the log's end to find them. */
export const DIAGNOSTICS_LOG_TAIL_BYTES = 64 * 1024

export interface DiagnosticsInput {
  version: string
  frontDoor: 'electron' | 'web' | 'cli'
  dataDir: string
  trustStore: TrustStore
  /** How Sectigo calls leave this front door. */
  network: NetworkSetup
  /** The `certdesk doctor` report as text (core/diagnostics/doctor.ts); a failing doctor is reported, not thrown. */
  doctor?: () => Promise<string> | string
  now: Date
}

export interface DiagnosticsBundle {
  generatedAt: string
  /** Plain text to paste into a support request: versions, trust, the doctor report, recent log lines. */
  text: string
}

/** The last lines of the log, scrubbed again (the log is redacted when written; this is a second net). */
export function recentLogLines(dataDir: string, max = DIAGNOSTICS_LOG_LINES): string[] {
  let fd: number
  try {
    fd = openSync(join(dataDir, LOG_FILE_NAME), 'r')
  } catch {
    return []
  }
  try {
    const size = fstatSync(fd).size
    const length = Math.min(size, DIAGNOSTICS_LOG_TAIL_BYTES)
    const buf = Buffer.alloc(length)
    readSync(fd, buf, 0, length, size - length)
    // Redacted as one text, so a key block spread over lines is caught whole (and a block without its
    // end hides everything after it: the safe side).
    const lines = redactText(buf.toString('utf8')).split('\n').filter((l) => l.trim() !== '')
    // The first line may be cut in the middle when the tail started inside it.
    if (size > length) lines.shift()
    return lines.slice(-max)
  } finally {
    closeSync(fd)
  }
}

/**
 * What "copy diagnostics" puts on the clipboard after a crash: no secrets (no passwords, keys or
 * tokens: the log is redacted at its sink and again here; the data folder path is replaced by a
 * placeholder), only what a maintainer needs to see what happened.
 */
export async function buildDiagnostics(d: DiagnosticsInput): Promise<DiagnosticsBundle> {
  const v = process.versions
  let doctor: string
  try {
    doctor = d.doctor ? await d.doctor() : 'Not part of this build (certdesk doctor).'
  } catch (e) {
    doctor = `The doctor report failed: ${e instanceof Error ? e.message : String(e)}`
  }
  const hidePath = (s: string): string => s.split(d.dataDir).join('<data folder>')
  const sections = [
    `CertDesk ${d.version} diagnostics, ${d.now.toISOString()}`,
    '',
    '## Versions',
    `front door: ${d.frontDoor}`,
    `node: ${v.node}${v.electron ? `, electron: ${v.electron}, chrome: ${v.chrome ?? '?'}` : ''}, v8: ${v.v8}, openssl: ${v.openssl}`,
    `os: ${platform()} ${release()} ${arch()}`,
    '',
    '## Network and trust',
    `sectigo calls: ${networkInWords(d.network)}`,
    `trust store: ${d.trustStore.selection.detail}`,
    '',
    '## Doctor',
    hidePath(redactText(doctor)),
    '',
    `## Recent log lines (last ${DIAGNOSTICS_LOG_LINES})`,
    ...recentLogLines(d.dataDir).map(hidePath),
  ]
  return { generatedAt: d.now.toISOString(), text: `${sections.join('\n')}\n` }
}

/** How Sectigo calls leave this process, in words (diagnostics). */
export function networkInWords(n: NetworkSetup): string {
  if (n.client === 'injected') return "the desktop app's network stack (system proxy settings, PAC scripts, the OS trust store)"
  if (n.proxy) return `through the proxy in ${n.proxy.source ?? 'the proxy setting'} (CONNECT tunnel; NO_PROXY hosts and loopback direct)`
  return 'direct (no proxy set in HTTPS_PROXY)'
}
