import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openssl, runBuiltCli, type CliRun } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'
import { inKeyringSession } from '../orders/helpers'

/** `certs expiring` exits 4 while something is due, 0 when nothing is (cron and monitoring read this). */
const EXIT_DUE = 4
const tempDir = useTempDirs()

interface Listed {
  id: string
  commonName: string
  dueState: string
  successor: { id: string; reason: string } | null
  hint: { id: string } | null
}

/** A data folder, openssl CAs and leaves in it, and the built CLI over both. */
function estate() {
  const dir = tempDir()
  const data = join(dir, 'data')
  const f = (n: string) => join(dir, n)
  const ok = (r: CliRun, what: string): CliRun => {
    expect(r.code, `${what}: ${r.stderr}${r.stdout}`).toBe(0)
    return r
  }
  let n = 0
  const cli = (...args: string[]): CliRun => runBuiltCli(args, { dataDir: data })
  return {
    cli,
    /** A root CA (self-signed, CA:TRUE) with this subject. */
    ca(subject: string): string {
      const name = `ca${++n}`
      ok(openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.pem`), '-subj', subject, '-days', '400', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']), 'ca')
      ok(cli('import', f(`${name}.pem`)), 'import ca')
      return name
    },
    /** A server certificate from `ca` for these names, valid `days`, imported; answers its id. */
    leaf(ca: string, subject: string, names: string[], days: number): string {
      const name = `leaf${++n}`
      writeFileSync(f(`${name}.ext`), `basicConstraints=critical,CA:FALSE\nsubjectAltName=${names.map((d) => `DNS:${d}`).join(',')}\n`)
      ok(openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', subject]), 'csr')
      ok(openssl(['x509', '-req', '-in', f(`${name}.csr`), '-CA', f(`${ca}.pem`), '-CAkey', f(`${ca}.key`), '-CAcreateserial', '-days', String(days), '-extfile', f(`${name}.ext`), '-out', f(`${name}.pem`)]), 'sign')
      const r = ok(cli('import', f(`${name}.pem`), '--json'), 'import leaf')
      const added = (JSON.parse(r.stdout) as { certificates: { id: string; role: string }[] }).certificates.find((c) => c.role === 'leaf')
      if (!added) throw new Error('no leaf imported')
      return added.id
    },
    list(): Listed[] {
      return JSON.parse(ok(cli('certs', 'list', '--json'), 'list').stdout) as Listed[]
    },
    state(id: string): Listed {
      const c = this.list().find((x) => x.id === id)
      if (!c) throw new Error(`${id} is not listed`)
      return c
    },
    expiring(): { code: number; due: string[]; replaced: { id: string; replacedById: string; reason: string }[] } {
      const r = cli('certs', 'expiring', '--json')
      const report = JSON.parse(r.stdout) as { due: { id: string }[]; replaced: { id: string; replacedById: string; reason: string }[] }
      return { code: r.code, due: report.due.map((d) => d.id), replaced: report.replaced }
    },
  }
}

describe('the replacement rule, as certs expiring and its exit code see it', () => {
  it('a wildcard covering the names is a hint, never a replacement; confirmed by the user, it replaces', () => {
    const e = estate()
    const ca = e.ca('/CN=Example Issuing CA/O=Example Trust Ltd')
    const old = e.leaf(ca, '/CN=www.example.com', ['www.example.com'], 10)
    expect(e.expiring()).toMatchObject({ code: EXIT_DUE, due: [old] })
    const wildcard = e.leaf(ca, '/CN=*.example.com', ['*.example.com', 'example.com'], 90)
    expect(e.expiring()).toMatchObject({ code: EXIT_DUE, due: [old], replaced: [] })
    expect(e.state(old)).toMatchObject({ dueState: 'due', successor: null, hint: { id: wildcard } })
    const text = e.cli('certs', 'expiring')
    expect(text.stdout).toContain(`covered by ${wildcard} *.example.com? yes: certdesk certs confirm ${old}`)

    expect(e.cli('certs', 'confirm', old).code).toBe(0)
    expect(e.expiring()).toEqual({ code: 0, due: [], replaced: [expect.objectContaining({ id: old, replacedById: wildcard, reason: 'user' }) as unknown] })
    expect(e.state(old)).toMatchObject({ dueState: 'replaced', successor: { id: wildcard, reason: 'user' }, hint: null })
  })

  it('the same names for another organisation do not replace an OV certificate', () => {
    const e = estate()
    const ca = e.ca('/CN=Example OV CA/O=Example Trust Ltd')
    const old = e.leaf(ca, '/CN=shop.example.com/O=Shop Ltd', ['shop.example.com'], 10)
    const other = e.leaf(ca, '/CN=shop.example.com/O=Other Ltd', ['shop.example.com'], 90)
    expect(e.expiring()).toMatchObject({ code: EXIT_DUE, due: [old], replaced: [] })
    expect(e.state(old)).toMatchObject({ dueState: 'due', successor: null, hint: { id: other } })
  })

  it('the same subject and names from another CA do not replace it', () => {
    const e = estate()
    const first = e.ca('/CN=Example Issuing CA/O=Example Trust Ltd')
    const second = e.ca('/CN=Other Issuing CA/O=Other CA Inc')
    const old = e.leaf(first, '/CN=api.example.com', ['api.example.com'], 10)
    const elsewhere = e.leaf(second, '/CN=api.example.com', ['api.example.com'], 90)
    expect(e.expiring()).toMatchObject({ code: EXIT_DUE, due: [old], replaced: [] })
    expect(e.state(old)).toMatchObject({ dueState: 'due', successor: null, hint: { id: elsewhere } })
  })

  it('a renewal with the same subject and names from the same CA replaces it', () => {
    const e = estate()
    const ca = e.ca('/CN=Example Issuing CA/O=Example Trust Ltd')
    const old = e.leaf(ca, '/CN=mail.example.com', ['mail.example.com', 'smtp.example.com'], 10)
    expect(e.expiring().code).toBe(EXIT_DUE)
    const renewed = e.leaf(ca, '/CN=mail.example.com', ['smtp.example.com', 'mail.example.com'], 90)
    expect(e.expiring()).toEqual({ code: 0, due: [], replaced: [expect.objectContaining({ id: old, replacedById: renewed, reason: 'same-identity' }) as unknown] })
  })

  it('a certificate the user links as the successor replaces it (a server moved to a new name), and unlinking undoes it', () => {
    const e = estate()
    const ca = e.ca('/CN=Example Issuing CA/O=Example Trust Ltd')
    const old = e.leaf(ca, '/CN=legacy.example.com', ['legacy.example.com'], 10)
    const moved = e.leaf(ca, '/CN=app.example.net', ['app.example.net'], 90)
    expect(e.expiring()).toMatchObject({ code: EXIT_DUE, due: [old] })
    expect(e.state(old).hint).toBeNull()
    expect(e.cli('certs', 'link', old, moved).code).toBe(0)
    expect(e.expiring()).toEqual({ code: 0, due: [], replaced: [expect.objectContaining({ id: old, replacedById: moved, reason: 'user' }) as unknown] })
    // Linking back would take both off the due list: refused.
    const loop = e.cli('certs', 'link', moved, old)
    expect(loop.code).toBe(1)
    expect(loop.stderr).toMatch(/no later than/)
    expect(e.cli('certs', 'unlink', old).code).toBe(0)
    expect(e.expiring()).toMatchObject({ code: EXIT_DUE, due: [old] })
  })

  it.skipIf(!inKeyringSession)('a renewal of the order, collected from the CA, replaces the certificate of the order it renews', () => {
    const e = estate()
    const dir = tempDir()
    const sh = (...args: string[]): string => {
      const r = e.cli(...args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0)
      return r.stdout.trim()
    }
    sh('account', 'add', '--label', 'demo', '--env', 'sandbox')
    sh('csr', 'new', '--type', 'ec-p256', '--cn', 'renew.example.com', '--out', join(dir, 'renew.csr'))
    // 20 days: inside its 30-day window from the start, so it is due at once.
    const first = sh('order', 'place', '--account', 'demo', '--product', '287', '--days', '20', '--csr-file', join(dir, 'renew.csr'), '--dcv', 'http', '--id-only')
    sh('sandbox', 'approve', first)
    sh('order', 'collect', first)
    const before = e.expiring()
    expect(before.code).toBe(EXIT_DUE)
    expect(before.due).toHaveLength(1)
    const oldCert = before.due[0] ?? ''

    const renewal = sh('order', 'renew', first, '--days', '90', '--submit', '--id-only')
    sh('sandbox', 'approve', renewal)
    sh('order', 'collect', renewal)
    const after = e.expiring()
    expect(after).toMatchObject({ code: 0, due: [] })
    expect(after.replaced).toEqual([expect.objectContaining({ id: oldCert, reason: 'order' }) as unknown])
    expect(e.state(oldCert)).toMatchObject({ dueState: 'replaced', successor: { reason: 'order' } })
  })
})
