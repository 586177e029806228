import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openssl, runBuiltCli } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()

/** A root -> intermediate -> leaf chain made entirely with openssl, plus a PKCS#12 of leaf, key and chain. */
function makeChain(dir: string): { leaf: string; root: string; inter: string; pfx: string; pfxPassword: string } {
  const f = (n: string) => join(dir, n)
  const ok = (args: string[]) => expect(openssl(args).code, args.join(' ')).toBe(0)
  writeFileSync(f('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
  writeFileSync(f('leaf.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:www.example.org\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
  ok(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('root.key'), '-subj', '/CN=Test Root', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', f('root.pem')])
  ok(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('inter.key'), '-subj', '/CN=Test Intermediate', '-out', f('inter.csr')])
  ok(['x509', '-req', '-in', f('inter.csr'), '-CA', f('root.pem'), '-CAkey', f('root.key'), '-CAcreateserial', '-days', '20', '-extfile', f('ca.ext'), '-out', f('inter.pem')])
  ok(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('leaf.key'), '-subj', '/CN=www.example.org', '-out', f('leaf.csr')])
  ok(['x509', '-req', '-in', f('leaf.csr'), '-CA', f('inter.pem'), '-CAkey', f('inter.key'), '-CAcreateserial', '-days', '10', '-extfile', f('leaf.ext'), '-out', f('leaf.pem')])
  writeFileSync(f('chain.pem'), readFileSync(f('inter.pem')))
  const pfxPassword = 'Import-Pässword 1'
  ok(['pkcs12', '-export', '-inkey', f('leaf.key'), '-in', f('leaf.pem'), '-certfile', f('chain.pem'), '-passout', `pass:${pfxPassword}`, '-out', f('leaf.pfx')])
  return { leaf: f('leaf.pem'), root: f('root.pem'), inter: f('inter.pem'), pfx: f('leaf.pfx'), pfxPassword }
}

describe('certdesk import / certs / export (built CLI)', () => {
  it('imports an openssl PKCS#12, lists it with its fingerprint, and exports what each tool accepts', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const c = makeChain(dir)
    const pw = join(dir, 'pw.txt')
    writeFileSync(pw, `${c.pfxPassword}\n`)

    const wrong = join(dir, 'wrong.txt')
    writeFileSync(wrong, 'not it\n')
    const refused = runBuiltCli(['import', c.pfx, '--password-file', wrong], { dataDir: data })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/password/i)
    expect(JSON.parse(runBuiltCli(['certs', 'list', '--json'], { dataDir: data }).stdout)).toEqual([])

    const imported = runBuiltCli(['import', c.pfx, '--password-file', pw, '--json'], { dataDir: data })
    expect(imported.stderr).toBe('')
    expect(imported.code).toBe(0)
    expect(runBuiltCli(['import', c.root], { dataDir: data }).code).toBe(0)

    const list = JSON.parse(runBuiltCli(['certs', 'list', '--json'], { dataDir: data }).stdout) as { id: string; subject: string; notAfter: string; fingerprintSha256: string; hasKey: boolean }[]
    expect(list).toHaveLength(1)
    const [leaf] = list
    const der = spawnSync('openssl', ['x509', '-in', c.leaf, '-outform', 'DER']).stdout
    expect(leaf?.fingerprintSha256).toBe(createHash('sha256').update(der).digest('hex'))
    expect(leaf?.subject).toContain('www.example.org')
    expect(new Date(leaf?.notAfter ?? '').getTime()).toBeGreaterThan(Date.now())
    expect(leaf?.hasKey).toBe(true)
    const id = leaf?.id ?? ''

    const pfx = join(dir, 'out.pfx')
    const exportPw = join(dir, 'export-pw.txt')
    writeFileSync(exportPw, 'Export-Pw-2026\n')
    expect(runBuiltCli(['export', id, '--format', 'pfx', '--profile', 'compatible', '--password-file', exportPw, '--out', pfx], { dataDir: data }).code).toBe(0)
    expect(statSync(pfx).mode & 0o777).toBe(0o600)
    const info = openssl(['pkcs12', '-in', pfx, '-info', '-noout', '-passin', 'pass:Export-Pw-2026'])
    expect(info.code).toBe(0)
    expect(info.stderr).toMatch(/MAC: sha1/)
    expect(info.stderr).toMatch(/pbeWithSHA1And3-KeyTripleDES-CBC/)

    const fullchain = join(dir, 'fullchain.pem')
    expect(runBuiltCli(['export', id, '--format', 'fullchain', '--out', fullchain], { dataDir: data }).code).toBe(0)
    expect(openssl(['verify', '-CAfile', c.root, '-untrusted', fullchain, c.leaf]).stdout).toMatch(/OK/)
    expect(readFileSync(fullchain, 'utf8').match(/BEGIN CERTIFICATE/g)).toHaveLength(2)
    const withRoot = join(dir, 'fullchain-root.pem')
    expect(runBuiltCli(['export', id, '--format', 'fullchain', '--root', '--out', withRoot], { dataDir: data }).code).toBe(0)
    expect(readFileSync(withRoot, 'utf8').match(/BEGIN CERTIFICATE/g)).toHaveLength(3)

    const key = join(dir, 'key.pem')
    expect(runBuiltCli(['export', id, '--format', 'key', '--password-file', exportPw, '--out', key], { dataDir: data }).code).toBe(0)
    expect(openssl(['pkey', '-in', key, '-passin', 'pass:Export-Pw-2026', '-noout']).code).toBe(0)
    expect(runBuiltCli(['export', id, '--format', 'key', '--out', join(dir, 'plain.pem')], { dataDir: data }).code).toBe(1)

    const nginx = join(dir, 'nginx')
    const preset = runBuiltCli(['export', id, '--preset', 'nginx', '--out-dir', nginx, '--unencrypted-key', '--json'], { dataDir: data })
    expect(preset.code).toBe(0)
    const files = (JSON.parse(preset.stdout) as { files: { path: string; mode: number; containsPrivateKey: boolean }[] }).files
    expect(files.length).toBeGreaterThanOrEqual(2)
    for (const file of files) expect(statSync(file.path).mode & 0o777).toBe(file.containsPrivateKey ? 0o600 : 0o644)
  })

  it('refuses a truncated PKCS#12 and a 50 MB file with one line each, importing nothing', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const c = makeChain(dir)
    const pw = join(dir, 'pw.txt')
    writeFileSync(pw, c.pfxPassword)
    const truncated = join(dir, 'cut.pfx')
    const bytes = readFileSync(c.pfx)
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 100))
    const big = join(dir, 'big.pem')
    writeFileSync(big, Buffer.alloc(50 * 1024 * 1024, 0x41))
    for (const file of [truncated, big]) {
      const r = runBuiltCli(['import', file, '--password-file', pw], { dataDir: data })
      expect(r.code, file).toBe(1)
      expect(r.stderr.trim().split('\n'), file).toHaveLength(1)
    }
    expect(JSON.parse(runBuiltCli(['certs', 'list', '--all', '--json'], { dataDir: data }).stdout)).toEqual([])
  })

  it('certs expiring: exit 4 while a certificate expires soon with nothing to replace it, 0 once renewed', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    /** A self-signed leaf (CA:FALSE) for one name, valid `days`, made by openssl. */
    const leafFor = (name: string, days: number, file: string): string => {
      const out = join(dir, file)
      const made = openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, `${file}.key`), '-days', String(days), '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-addext', 'basicConstraints=critical,CA:FALSE', '-out', out])
      expect(made.code, made.stderr).toBe(0)
      expect(runBuiltCli(['import', out], { dataDir: data }).code).toBe(0)
      return out
    }
    leafFor('soon.example.org', 10, 'soon.pem')
    leafFor('later.example.org', 100, 'later.pem')
    type Report = { withinDays: number | null; due: { commonName: string; daysLeft: number; id: string }[]; replaced: { id: string; replacedById: string }[] }

    const due = runBuiltCli(['certs', 'expiring', '--json'], { dataDir: data })
    expect(due.code, due.stderr).toBe(4)
    const report = JSON.parse(due.stdout) as Report
    expect(report.withinDays).toBeNull()
    expect(report.due.map((c) => c.commonName)).toEqual(['soon.example.org'])
    expect([9, 10]).toContain(report.due[0]?.daysLeft)
    expect(report.replaced).toEqual([])
    const oldId = report.due[0]?.id ?? ''

    const narrow = runBuiltCli(['certs', 'expiring', '--within', '5'], { dataDir: data })
    expect(narrow.code).toBe(0)
    expect(narrow.stdout).toContain('Nothing expires within 5 days without a replacement.')
    expect(runBuiltCli(['certs', 'expiring', '--within', '200', '--json'], { dataDir: data }).code).toBe(4)
    expect(runBuiltCli(['certs', 'expiring', '--within', 'soon'], { dataDir: data }).code).toBe(2)

    leafFor('soon.example.org', 90, 'renewed.pem')
    const renewed = runBuiltCli(['certs', 'expiring'], { dataDir: data })
    expect(renewed.code, renewed.stdout).toBe(0)
    expect(renewed.stdout).toContain('No certificate is due for renewal without a replacement.')
    expect(renewed.stdout).toMatch(new RegExp(`Already replaced[^\\n]*\\n.*\\n${oldId}\\s+soon\\.example\\.org`))
    const after = JSON.parse(runBuiltCli(['certs', 'expiring', '--json'], { dataDir: data }).stdout) as Report
    expect(after.replaced.map((r) => r.id)).toEqual([oldId])
  })
})
