import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CLI_JS } from '../../helpers/cli'
import { inKeyringSession } from './helpers'

/**
 * The README's Sandbox walk-through, read from README.md and run exactly as written: from an empty
 * data folder to a collected DV certificate, with the Sandbox CA that CertDesk starts by itself on
 * 127.0.0.1 and keeps in <data dir>/sandbox/state.json between commands. Only the README's
 * `certdesk() { ... }` line is replaced, to point at this checkout's build.
 */
function readmeSequence(): string {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8')
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.includes('certdesk sandbox approve'))
  if (!block) throw new Error('README.md has no shell block with the Sandbox walk-through')
  return block
    .split('\n')
    .filter((l) => !l.startsWith('certdesk() {'))
    .join('\n')
}

describe.skipIf(!inKeyringSession || !existsSync(CLI_JS))('the README walk-through with the built CLI', () => {
  const work = mkdtempSync(join(tmpdir(), 'certdesk-readme-'))
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it('takes a DV order against the Sandbox from a new CSR to a collected certificate', () => {
    const script = `set -eu\ncertdesk() { node "${CLI_JS}" "$@"; }\n${readmeSequence()}\necho "DATA_DIR=$CERTDESK_DATA_DIR"\necho "ORDER_ID=$ORDER"\n`
    const r = spawnSync('sh', ['-c', script], { cwd: work, encoding: 'utf8', env: { ...process.env, CERTDESK_DATA_DIR: '', CERTDESK_SANDBOX_URL: '' }, timeout: 120_000 })
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0)
    expect(r.stdout).toContain('Added account')
    expect(r.stdout).toMatch(/URL: {6}http:\/\/www\.example\.com\/\.well-known\/pki-validation\/[0-9A-F]{32}\.txt/)
    expect(r.stdout).toContain('The Sandbox CA marked every name as validated.')
    expect(r.stdout).toContain('Certificate collected')
    expect(r.stdout).toMatch(/State: {7}collected/)
    const dataDir = /DATA_DIR=(.*)/.exec(r.stdout)?.[1] ?? ''
    const orderId = /ORDER_ID=(.*)/.exec(r.stdout)?.[1] ?? ''
    expect(existsSync(join(dataDir, 'sandbox', 'state.json'))).toBe(true)
    const show = spawnSync(process.execPath, [CLI_JS, '--data-dir', dataDir, 'order', 'show', orderId, '--json'], { encoding: 'utf8' })
    const order = JSON.parse(show.stdout) as { state: string; certificateId: string; domains: string[] }
    expect(order.state).toBe('collected')
    expect(order.domains).toEqual(['www.example.com'])
    const pem = spawnSync(process.execPath, [CLI_JS, '--data-dir', dataDir, 'certs', 'show', order.certificateId, '--pem'], { encoding: 'utf8' })
    const text = spawnSync('openssl', ['x509', '-noout', '-subject', '-ext', 'subjectAltName'], { input: pem.stdout, encoding: 'utf8' })
    expect(text.status, text.stderr).toBe(0)
    expect(text.stdout).toContain('DNS:www.example.com')
    rmSync(dataDir, { recursive: true, force: true })
  })
})
