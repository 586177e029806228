import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface OpensslResult {
  code: number
  stdout: string
  stderr: string
  bytes: Buffer
}

/** Runs the real openssl binary; the tests check formats with it, never with the code that wrote them. */
export function runOpenssl(
  args: readonly string[],
  opts: { input?: string | Buffer; cwd?: string } = {},
): Promise<OpensslResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args, {
      cwd: opts.cwd,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout?.on('data', (d: Buffer) => out.push(d))
    child.stderr?.on('data', (d: Buffer) => err.push(d))
    child.on('error', reject)
    child.on('close', (code) => {
      const bytes = Buffer.concat(out)
      resolve({
        code: code ?? -1,
        stdout: bytes.toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        bytes,
      })
    })
    if (child.stdin) {
      // openssl may exit before reading all of its input; that shows in its exit code, not as EPIPE.
      child.stdin.on('error', () => undefined)
      child.stdin.end(opts.input)
    }
  })
}

export async function openssl(
  args: readonly string[],
  opts: { input?: string | Buffer; cwd?: string } = {},
): Promise<OpensslResult> {
  const r = await runOpenssl(args, opts)
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.code}): ${r.stderr}`)
  return r
}

export function makeTempDir(): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-pki-'))
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** RDNs as `openssl req -subject -nameopt sep_multiline,utf8,sname,-esc_msb` prints them, one per line, in DER order. */
export async function opensslSubjectRdns(csrPath: string): Promise<string[]> {
  const { stdout } = await openssl([
    'req',
    '-in',
    csrPath,
    '-noout',
    '-subject',
    '-nameopt',
    'sep_multiline,utf8,sname,-esc_msb',
  ])
  return stdout
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l !== '')
}

/** The SAN list from `openssl req -text`, e.g. ["DNS:a.example", "IP Address:192.0.2.1"], or [] when absent. */
export async function opensslSans(csrPath: string): Promise<string[]> {
  const { stdout } = await openssl(['req', '-in', csrPath, '-noout', '-text', '-nameopt', 'utf8'])
  const lines = stdout.split('\n')
  const i = lines.findIndex((l) => l.includes('X509v3 Subject Alternative Name'))
  if (i < 0) return []
  return (lines[i + 1] ?? '').trim().split(', ')
}

/** OpenSSL prints IPv6 SANs in full upper-case form; the WHATWG URL parser turns that into RFC 5952 text. */
export function opensslIpToText(ip: string): string {
  return ip.includes(':') ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip
}
