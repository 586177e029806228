import { spawnSync } from 'node:child_process'
import { createHash, createPrivateKey } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createCore } from '../../../src-main/core/core'
import { KeychainCredentialStore } from '../../../src-main/core/secrets/keychain-store'
import { runBuiltCli, openssl } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const KEY_TYPES = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'] as const

interface DecodeJson {
  csr: { subject: { cn: string; o: string }; sans: { type: string; value: string }[]; signatureValid: boolean }
  dcv: { md5: string; sha256: string; cname: { target: string }; http: { path: string; content: string } }
  domains: { domain: string; cnameName: string }[]
  lint: { severity: string; id: string }[]
}

function keychainAccount(dataDir: string): string {
  const db = new Database(join(dataDir, 'certdesk.db'), { readonly: true })
  const row = db.prepare("SELECT value FROM meta WHERE name = 'vault.id'").get() as { value: string }
  db.close()
  return `vault-data-key:${row.value}`
}

/** Reads this vault's data key with an independent tool (libsecret's secret-tool), not with CertDesk. */
function keychainSecret(dataDir: string): string {
  const r = spawnSync('secret-tool', ['lookup', 'service', 'CertDesk', 'username', keychainAccount(dataDir)], { encoding: 'utf8' })
  expect(r.status).toBe(0)
  return r.stdout.trim()
}

function derDigest(csrFile: string, algorithm: 'md5' | 'sha256'): string {
  const der = spawnSync('openssl', ['req', '-in', csrFile, '-outform', 'DER'])
  expect(der.status).toBe(0)
  return createHash(algorithm).update(der.stdout).digest('hex')
}

describe('certdesk csr new / decode / list (built CLI, real keychain, real SQLite)', () => {
  it.each(KEY_TYPES)('%s: writes a CSR that openssl verifies, with the subject and SANs asked for', (type) => {
    const dir = tempDir()
    const out = join(dir, `${type}.csr`)
    const made = runBuiltCli(
      ['csr', 'new', '--type', type, '--cn', 'shop.example.com', '--san', 'www.shop.example.com', '--san', '*.cdn.example.com', '--san', '52.20.1.10', '--o', 'Müller & Söhne GmbH', '--l', 'Zürich', '--c', 'ch', '--out', out],
      { dataDir: join(dir, 'data') },
    )
    expect(made.stderr).toBe('')
    expect(made.code).toBe(0)
    const verify = openssl(['req', '-in', out, '-verify', '-noout'])
    expect(verify.code).toBe(0)
    expect(verify.stdout + verify.stderr).toMatch(/verify OK/)
    const text = openssl(['req', '-in', out, '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus_space'])
    expect(text.stdout).toContain('CN=shop.example.com')
    expect(text.stdout).toContain('O=Müller & Söhne GmbH')
    expect(text.stdout).toContain('L=Zürich')
    expect(text.stdout).toContain('C=CH')
    for (const san of ['DNS:shop.example.com', 'DNS:www.shop.example.com', 'DNS:*.cdn.example.com', 'IP Address:52.20.1.10']) expect(text.stdout).toContain(san)

    const decoded = runBuiltCli(['csr', 'decode', out, '--json'], { dataDir: join(dir, 'data') })
    expect(decoded.code).toBe(0)
    const json = JSON.parse(decoded.stdout) as DecodeJson
    const md5 = derDigest(out, 'md5')
    const sha256 = derDigest(out, 'sha256')
    expect(json.dcv.md5).toBe(md5.toUpperCase())
    expect(json.dcv.sha256).toBe(sha256)
    expect(json.dcv.cname.target).toBe(`${sha256.slice(0, 32)}.${sha256.slice(32, 64)}.sectigo.com`)
    expect(json.dcv.http.path).toBe(`/.well-known/pki-validation/${md5.toUpperCase()}.txt`)
    expect(json.csr.signatureValid).toBe(true)
  })

  it('decodes DER input and standard input the same way as PEM', () => {
    const dir = tempDir()
    const key = join(dir, 'k.pem')
    const pem = join(dir, 'r.csr')
    const der = join(dir, 'r.der')
    expect(openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', '/CN=der.example.com', '-addext', 'subjectAltName=DNS:der.example.com', '-out', pem]).code).toBe(0)
    expect(openssl(['req', '-in', pem, '-outform', 'DER', '-out', der]).code).toBe(0)
    const fromPem = JSON.parse(runBuiltCli(['csr', 'decode', pem, '--json'], { dataDir: join(dir, 'data') }).stdout) as DecodeJson
    const fromDer = JSON.parse(runBuiltCli(['csr', 'decode', der, '--json'], { dataDir: join(dir, 'data') }).stdout) as DecodeJson
    const fromStdin = JSON.parse(runBuiltCli(['csr', 'decode', '-', '--json'], { dataDir: join(dir, 'data'), input: readFileSync(pem) }).stdout) as DecodeJson
    expect(fromDer.dcv).toEqual(fromPem.dcv)
    expect(fromStdin.dcv).toEqual(fromPem.dcv)
    expect(fromPem.csr.subject.cn).toBe('der.example.com')
  })

  it('lists what it made, as a table and as JSON', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    expect(runBuiltCli(['csr', 'new', '--type', 'ec-p256', '--cn', 'a.example.com', '--out', join(dir, 'a.csr')], { dataDir: data }).code).toBe(0)
    expect(runBuiltCli(['csr', 'new', '--type', 'ec-p384', '--cn', 'b.example.com', '--san', 'c.example.com', '--out', join(dir, 'b.csr')], { dataDir: data }).code).toBe(0)
    const list = JSON.parse(runBuiltCli(['csr', 'list', '--json'], { dataDir: data }).stdout) as { commonName: string; sans: { value: string }[] }[]
    expect(list.map((c) => c.commonName).sort()).toEqual(['a.example.com', 'b.example.com'])
    expect(list.find((c) => c.commonName === 'b.example.com')?.sans.map((s) => s.value)).toEqual(['b.example.com', 'c.example.com'])
    const table = runBuiltCli(['csr', 'list'], { dataDir: data })
    expect(table.stdout).toMatch(/a\.example\.com/)
    expect(runBuiltCli(['keys', 'list', '--json'], { dataDir: data }).stdout).not.toMatch(/PRIVATE|pkcs8/i)
  })

  it('keeps no private key or data key in the database files', async () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const made = runBuiltCli(['csr', 'new', '--type', 'ec-p256', '--cn', 'secret.example.com', '--out', join(dir, 's.csr'), '--json'], { dataDir: data })
    expect(made.code).toBe(0)
    const { keyId } = JSON.parse(made.stdout) as { keyId: string }
    const dataKeyB64 = keychainSecret(data)
    const dataKey = Buffer.from(dataKeyB64, 'base64')
    expect(dataKey.length).toBe(32)
    const core = createCore({ dataDir: data, credentials: new KeychainCredentialStore() })
    const pkcs8 = await core.keys.withPrivateKey(keyId, (der) => Promise.resolve(Buffer.from(der)))
    core.close()
    const files = readdirSync(data).filter((f) => f.startsWith('certdesk.db'))
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(data, f))))
    expect(bytes.includes('PRIVATE KEY')).toBe(false)
    expect(bytes.includes(pkcs8)).toBe(false)
    // The private scalar itself (the PKCS#8 also carries the public point, which is public anyway).
    const d = Buffer.from(String(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }).d), 'base64url')
    expect(d.length).toBe(32)
    expect(bytes.includes(d)).toBe(false)
    expect(bytes.includes(dataKey)).toBe(false)
    expect(bytes.includes(dataKeyB64)).toBe(false)
  })

  it('refuses bad input with a one-line reason and a non-zero exit code', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const cert = join(dir, 'cert.pem')
    expect(openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-subj', '/CN=c.example.com', '-days', '1', '-out', cert]).code).toBe(0)
    const cases: [string, string | Buffer, RegExp][] = [
      ['garbage.csr', 'this is not a CSR at all', /not|CSR/i],
      ['empty.csr', '', /empty/i],
      ['huge.csr', Buffer.alloc(10 * 1024 * 1024, 0x41), /KiB|large/i],
      ['cert.pem', readFileSync(cert), /certificate, not a certificate request/i],
    ]
    for (const [name, content, message] of cases) {
      const file = join(dir, name)
      if (name !== 'cert.pem') writeFileSync(file, content)
      const r = runBuiltCli(['csr', 'decode', name === 'cert.pem' ? cert : file], { dataDir: data })
      expect(r.code, name).toBe(1)
      expect(r.stderr, name).toMatch(message)
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1)
    }
    expect(runBuiltCli(['csr', 'new', '--type', 'rsa-1024', '--cn', 'x.example.com', '--out', join(dir, 'x.csr')], { dataDir: data }).code).toBe(1)
    expect(runBuiltCli(['csr', 'frobnicate'], { dataDir: data }).code).toBe(2)
    expect(runBuiltCli(['csr', 'new', '--cn', 'x'], { dataDir: data }).code).toBe(2)
  })

  it('reports a corrupted signature as invalid instead of failing', () => {
    const dir = tempDir()
    const pem = join(dir, 'r.csr')
    expect(openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-subj', '/CN=sig.example.com', '-out', pem]).code).toBe(0)
    const der = spawnSync('openssl', ['req', '-in', pem, '-outform', 'DER']).stdout
    der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0xff
    const bad = join(dir, 'bad.der')
    writeFileSync(bad, der)
    const r = runBuiltCli(['csr', 'decode', bad, '--json'], { dataDir: join(dir, 'data') })
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout) as DecodeJson
    expect(json.csr.signatureValid).toBe(false)
    expect(json.lint.find((f) => f.id === 'signature-invalid')?.severity).toBe('error')
    expect(runBuiltCli(['csr', 'decode', bad, '--strict'], { dataDir: join(dir, 'data') }).code).toBe(1)
  })

  it('fails key use with a clear message when the keychain entry was deleted, and nothing else breaks', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const made = runBuiltCli(['csr', 'new', '--type', 'ec-p256', '--cn', 'k.example.com', '--out', join(dir, 'k.csr'), '--json'], { dataDir: data })
    expect(made.code).toBe(0)
    const { keyId } = JSON.parse(made.stdout) as { keyId: string }
    expect(spawnSync('secret-tool', ['clear', 'service', 'CertDesk', 'username', keychainAccount(data)]).status).toBe(0)
    const reuse = runBuiltCli(['csr', 'new', '--type', 'ec-p256', '--key', keyId, '--cn', 'k2.example.com', '--out', join(dir, 'k2.csr')], { dataDir: data })
    expect(reuse.code).toBe(1)
    expect(reuse.stderr).toMatch(/data key is missing from the OS keychain/)
    expect(runBuiltCli(['csr', 'list', '--json'], { dataDir: data }).code).toBe(0)
    expect(runBuiltCli(['csr', 'decode', join(dir, 'k.csr')], { dataDir: data }).code).toBe(0)
  })

  it('without a reachable keychain, says so and offers the vault passphrase instead of failing later', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const noBus = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/certdesk-test-bus' }
    const status = runBuiltCli(['vault', 'status', '--json'], { dataDir: data, env: noBus })
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'keychain_unavailable', mode: null })
    const refused = runBuiltCli(['csr', 'new', '--type', 'ec-p256', '--cn', 'p.example.com', '--out', join(dir, 'p.csr')], { dataDir: data, env: noBus })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/keychain/i)
    const pass = join(dir, 'pass.txt')
    writeFileSync(pass, 'a long vault passphrase\n', { mode: 0o600 })
    expect(runBuiltCli(['vault', 'setup-passphrase', '--passphrase-file', pass], { dataDir: data, env: noBus }).code).toBe(0)
    const made = runBuiltCli(['--passphrase-file', pass, 'csr', 'new', '--type', 'ec-p256', '--cn', 'p.example.com', '--out', join(dir, 'p.csr')], { dataDir: data, env: noBus })
    expect(made.stderr).toBe('')
    expect(made.code).toBe(0)
    expect(openssl(['req', '-in', join(dir, 'p.csr'), '-verify', '-noout']).code).toBe(0)
    const locked = runBuiltCli(['csr', 'new', '--type', 'ec-p256', '--key', 'key_0000000000000000', '--cn', 'q.example.com', '--out', join(dir, 'q.csr')], { dataDir: data, env: noBus })
    expect(locked.code).toBe(1)
  })
})
