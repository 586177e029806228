import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ExportOptions } from '../../../src-main/core/certs/types'
import { listEvents } from '../../../src-main/core/store/events-repo'
import { issue, keytool, makeTestPki, openssl, type TestPki } from '../../fixtures/certs/pki-fixtures'
import { makeService, type ServiceFixture } from '../../fixtures/certs/service-fixture'
import { refusal } from '../../fixtures/certs/refusal'

const PW = 'pässwörd-東京'
const ASCII_PW = 'Correct-Horse-42'
const FAST = 10_000
let pki: TestPki
let f: ServiceFixture
let rsaId: string
let ecId: string
let noKeyId: string
let pwFile: string
let rootFile: string
let outDir: string
let n = 0

beforeAll(async () => {
  pki = await makeTestPki()
  pwFile = pki.file('pw', PW)
  rootFile = pki.file('root.pem', pki.root.pem)
  outDir = join(pki.dir, 'out')
  mkdirSync(outDir)
  f = makeService({ trustedRoots: [pki.root.der] })
  const rsa = await f.svc.importFromText(pki.leafRsa.keyPem + pki.leafRsa.pem + pki.inter.pem + pki.root.pem, { actor: 'cli' })
  const ec = await f.svc.importFromText(pki.leafEc.keyPem + pki.leafEc.pem, { actor: 'cli' })
  const orphan = await issue({ subject: 'CN=nokey.example.test', issuer: pki.inter })
  const nk = await f.svc.importFromText(orphan.pem, { actor: 'cli' })
  rsaId = rsa.certificates[0]?.id ?? ''
  ecId = ec.certificates[0]?.id ?? ''
  noKeyId = nk.certificates[0]?.id ?? ''
})

afterAll(() => f.close())

function out(name: string): string {
  return join(outDir, `${++n}-${name}`)
}

async function exportTo(id: string, options: ExportOptions, name: string): Promise<string> {
  const path = out(name)
  await f.svc.exportToFile(id, { ...options, outFile: path }, 'cli')
  return path
}

/** Common names of every certificate in a PEM file (other blocks ignored), in order, as openssl reads them. */
function cns(file: string): string[] {
  const p7 = openssl(['crl2pkcs7', '-nocrl', '-certfile', file])
  return [...openssl(['pkcs7', '-print_certs', '-noout'], { input: p7 }).matchAll(/^subject=.*?CN ?= ?([^,\n]+)/gm)].map((m) => m[1]?.trim() ?? '')
}

function p7Cns(file: string, inform: 'PEM' | 'DER'): string[] {
  return [...openssl(['pkcs7', '-inform', inform, '-in', file, '-print_certs', '-noout']).matchAll(/^subject=.*?CN ?= ?([^,\n]+)/gm)].map((m) => m[1]?.trim() ?? '')
}

function pubkeyOfCert(pem: string): string {
  return openssl(['x509', '-noout', '-pubkey'], { input: pem })
}

const mode = (p: string): number => statSync(p).mode & 0o777

const LEAF = 'rsa.example.test'
const INTER = 'CertDesk Test Intermediate'
const ROOT = 'CertDesk Test Root'

describe('certificate exports, checked with openssl', () => {
  it('pem and der hold exactly the leaf', async () => {
    const pem = await exportTo(rsaId, { format: 'pem' }, 'leaf.pem')
    expect(cns(pem)).toEqual([LEAF])
    const der = await exportTo(rsaId, { format: 'der' }, 'leaf.cer')
    expect(openssl(['x509', '-inform', 'DER', '-in', der, '-noout', '-subject'])).toMatch(/CN ?= ?rsa\.example\.test/)
    expect(readFileSync(der).equals(pki.leafRsa.der)).toBe(true)
    expect(mode(pem)).toBe(0o644)
  })

  it('chain and fullchain hold exactly the certificates asked for, with and without the root, in either order', async () => {
    expect(cns(await exportTo(rsaId, { format: 'chain' }, 'chain.pem'))).toEqual([INTER])
    expect(cns(await exportTo(rsaId, { format: 'chain', includeRoot: true }, 'chain-root.pem'))).toEqual([INTER, ROOT])
    const full = await exportTo(rsaId, { format: 'fullchain' }, 'full.pem')
    expect(cns(full)).toEqual([LEAF, INTER])
    expect(cns(await exportTo(rsaId, { format: 'fullchain', includeRoot: true }, 'full-root.pem'))).toEqual([LEAF, INTER, ROOT])
    expect(cns(await exportTo(rsaId, { format: 'fullchain', includeRoot: true, chainOrder: 'root-first' }, 'full-rev.pem'))).toEqual([ROOT, INTER, LEAF])
    const leaf = await exportTo(rsaId, { format: 'pem' }, 'verify-leaf.pem')
    expect(openssl(['verify', '-CAfile', rootFile, '-untrusted', full, leaf])).toMatch(/: OK/)
  })

  it('p7b as PEM (PKCS7 label) and DER lists the chain in order, with and without chain and root', async () => {
    const pem = await exportTo(rsaId, { format: 'p7b' }, 'b.p7b')
    expect(readFileSync(pem, 'utf8')).toMatch(/^-----BEGIN PKCS7-----\n/)
    expect(p7Cns(pem, 'PEM')).toEqual([LEAF, INTER])
    expect(p7Cns(await exportTo(rsaId, { format: 'p7b', encoding: 'der', includeRoot: true }, 'b-der.p7b'), 'DER')).toEqual([LEAF, INTER, ROOT])
    expect(p7Cns(await exportTo(rsaId, { format: 'p7b', includeChain: false }, 'b-leaf.p7b'), 'PEM')).toEqual([LEAF])
  })

  it.each(['modern', 'compatible'] as const)('pfx %s opens in openssl without -legacy with a non-ASCII password, for RSA and EC, mode 0600', async (profile) => {
    for (const id of [rsaId, ecId]) {
      const file = await exportTo(id, { format: 'pfx', profile, password: PW, iterations: FAST }, `${profile}.pfx`)
      expect(mode(file)).toBe(0o600)
      const info = openssl(['pkcs12', '-info', '-noout', '-in', file, '-passin', `file:${pwFile}`])
      expect(info).toMatch(profile === 'modern' ? /MAC: sha256, Iteration 10000/ : /MAC: sha1, Iteration 10000/)
      expect(info).toMatch(profile === 'modern' ? /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/ : /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC/)
      const certs = openssl(['pkcs12', '-in', file, '-passin', `file:${pwFile}`, '-nokeys', '-clcerts'])
      const key = openssl(['pkcs12', '-in', file, '-passin', `file:${pwFile}`, '-nocerts', '-nodes'])
      expect(openssl(['pkey', '-pubout'], { input: key })).toBe(pubkeyOfCert(certs))
    }
  })

  it('pfx holds exactly the certificates asked for: without the chain, or with the root', async () => {
    const bags = (file: string): number => (openssl(['pkcs12', '-info', '-noout', '-in', file, '-passin', `file:${pwFile}`]).match(/Certificate bag/g) ?? []).length
    expect(bags(await exportTo(rsaId, { format: 'pfx', password: PW, iterations: FAST, includeChain: false }, 'nochain.pfx'))).toBe(1)
    expect(bags(await exportTo(rsaId, { format: 'pfx', password: PW, iterations: FAST, includeRoot: true }, 'root.pfx'))).toBe(3)
  })

  it('pfx in both profiles lists in keytool -list -storetype PKCS12 as a key entry with its chain', async () => {
    const files = await Promise.all(
      (['modern', 'compatible'] as const).map((profile) => exportTo(ecId, { format: 'pfx', profile, password: ASCII_PW, iterations: FAST, friendlyName: 'web' }, `kt-${profile}.p12`)),
    )
    for (const file of files) {
      const listing = await keytool(['-list', '-v', '-storetype', 'PKCS12', '-keystore', file, '-storepass', ASCII_PW])
      expect(listing).toMatch(/Alias name: web/)
      expect(listing).toMatch(/Entry type: PrivateKeyEntry/)
      expect(listing).toMatch(/Certificate chain length: 2/)
    }
  })

  it('key: encrypted PKCS#8 that openssl pkey opens, or unencrypted only after explicit confirmation; 0600 either way', async () => {
    const enc = await exportTo(rsaId, { format: 'key', password: PW }, 'enc.key')
    expect(readFileSync(enc, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/)
    expect(openssl(['asn1parse', '-in', enc])).toMatch(/INTEGER\s+:0927C0/)
    expect(openssl(['pkey', '-in', enc, '-passin', `file:${pwFile}`, '-pubout'])).toBe(pubkeyOfCert(pki.leafRsa.pem))
    expect(mode(enc)).toBe(0o600)
    const e = await refusal(exportTo(rsaId, { format: 'key' }, 'plain-refused.key'))
    expect(e.code).toBe('invalid_input')
    expect(e.message).toMatch(/explicit confirmation/)
    const plain = await exportTo(ecId, { format: 'key', unencryptedKey: true }, 'plain.key')
    expect(readFileSync(plain, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/)
    expect(openssl(['pkey', '-in', plain, '-pubout'])).toBe(pubkeyOfCert(pki.leafEc.pem))
    expect(mode(plain)).toBe(0o600)
  })

  it('refuses an export password under 10 characters, in pfx, key and presets, unless the caller allows it for a lab', async () => {
    for (const options of [{ format: 'pfx', password: 'Short-pw1', iterations: FAST }, { format: 'key', password: 'hunter2' }, { format: 'bundle', password: 'pässwörd' }] as const) {
      const path = out(`short-${options.format}`)
      const e = await refusal(f.svc.exportToFile(rsaId, { ...options, outFile: path }, 'cli'))
      expect(e.code, options.format).toBe('invalid_input')
      expect(e.message).toMatch(/at least 10 characters.*--allow-short-password/)
      expect(existsSync(path)).toBe(false)
    }
    const preset = await refusal(f.svc.exportPreset(rsaId, { preset: 'nginx', password: 'short', outDir: join(outDir, 'nginx-short') }, 'cli'))
    expect(preset.message).toMatch(/at least 10 characters/)
    const lab = await exportTo(rsaId, { format: 'pfx', password: 'lab', iterations: FAST, allowShortPassword: true }, 'lab.pfx')
    openssl(['pkcs12', '-in', lab, '-passin', 'pass:lab', '-noout'])
    await f.svc.exportPreset(rsaId, { preset: 'nginx', password: 'lab', allowShortPassword: true, outDir: join(outDir, 'nginx-lab') }, 'cli')
  })

  it('bundle (HAProxy style) holds the chain and the matching key', async () => {
    const file = await exportTo(ecId, { format: 'bundle', unencryptedKey: true }, 'haproxy.pem')
    expect(cns(file)).toEqual(['ec.example.test', INTER])
    expect(openssl(['pkey', '-in', file, '-pubout'])).toBe(pubkeyOfCert(pki.leafEc.pem))
    expect(openssl(['verify', '-CAfile', rootFile, '-untrusted', file, file])).toMatch(/: OK/)
    expect(mode(file)).toBe(0o600)
  })
})

describe('every export re-imports to the same certificate, key and chain', () => {
  const cases: [string, ExportOptions, string | undefined][] = [
    ['fullchain', { format: 'fullchain', includeRoot: true }, undefined],
    ['p7b der', { format: 'p7b', encoding: 'der', includeRoot: true }, undefined],
    ['pfx modern', { format: 'pfx', profile: 'modern', password: PW, iterations: FAST, includeRoot: true }, PW],
    ['pfx compatible', { format: 'pfx', profile: 'compatible', password: PW, iterations: FAST, includeRoot: true }, PW],
    ['bundle', { format: 'bundle', password: PW, iterations: FAST, includeRoot: true }, PW],
  ]
  it.each(cases)('%s', async (name, options, password) => {
    const file = await exportTo(rsaId, options, `rt-${name.replace(' ', '-')}`)
    const other = makeService({ trustedRoots: [pki.root.der] })
    try {
      const report = await other.svc.importFromFile(file, { actor: 'cli', ...(password ? { password } : {}) })
      expect(report.certificates.map((c) => c.fingerprintSha256)).toEqual([pki.leafRsa.fingerprint, pki.inter.fingerprint, pki.root.fingerprint])
      const original = f.svc.get(rsaId)
      const copy = other.svc.get(report.certificates[0]?.id ?? '')
      expect(copy.chain.links.map((l) => l.fingerprintSha256)).toEqual(original.chain.links.map((l) => l.fingerprintSha256))
      expect(copy.chain.status).toBe('trusted')
      if (options.format !== 'fullchain' && options.format !== 'p7b') {
        expect(report.keys[0]?.spkiSha256).toBe(original.spkiSha256)
        expect(copy.hasKey).toBe(true)
      }
    } finally {
      other.close()
    }
  })
})

describe('export file safety', () => {
  it.each([0o000, 0o022])('private files are 0600 and public ones never wider than 0644 under umask %o', async (umask) => {
    const old = process.umask(umask)
    try {
      const key = await exportTo(ecId, { format: 'key', unencryptedKey: true }, `umask-${umask}.key`)
      const pfx = await exportTo(ecId, { format: 'pfx', password: PW, iterations: FAST }, `umask-${umask}.pfx`)
      const pem = await exportTo(ecId, { format: 'pem' }, `umask-${umask}.pem`)
      expect(mode(key)).toBe(0o600)
      expect(mode(pfx)).toBe(0o600)
      expect(mode(pem)).toBe(0o644)
    } finally {
      process.umask(old)
    }
  })

  it('refuses to write onto an existing file unless told to overwrite, and never through a symlink', async () => {
    const existing = out('existing.key')
    writeFileSync(existing, 'keep me')
    const e = await refusal(f.svc.exportToFile(ecId, { format: 'key', unencryptedKey: true, outFile: existing }, 'cli'))
    expect(e.code).toBe('io_error')
    expect(e.detail).toEqual({ reason: 'exists' })
    expect(readFileSync(existing, 'utf8')).toBe('keep me')

    await f.svc.exportToFile(ecId, { format: 'key', unencryptedKey: true, outFile: existing, overwrite: true }, 'cli')
    expect(readFileSync(existing, 'utf8')).toMatch(/BEGIN PRIVATE KEY/)
    expect(mode(existing)).toBe(0o600)

    const target = out('symlink-target')
    writeFileSync(target, 'not yours')
    const link = out('link.key')
    symlinkSync(target, link)
    for (const overwrite of [false, true]) {
      const s = await refusal(f.svc.exportToFile(ecId, { format: 'key', unencryptedKey: true, outFile: link, overwrite }, 'cli'))
      expect(s.detail).toEqual({ reason: 'symlink' })
    }
    expect(readFileSync(target, 'utf8')).toBe('not yours')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
  })

  it('removes temp files a crashed export left behind, at the next export into that folder', async () => {
    const dir = join(pki.dir, 'crashed')
    mkdirSync(dir)
    const leftover = join(dir, '.site.key.certdesk-tmp-0badc0ffee00')
    writeFileSync(leftover, 'half a key')
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000)
    utimesSync(leftover, twoHoursAgo, twoHoursAgo)
    await f.svc.exportToFile(ecId, { format: 'pem', outFile: join(dir, 'site.pem') }, 'cli')
    expect(readdirSync(dir)).toEqual(['site.pem'])
  })

  it('records what was exported in the audit trail, never the password', async () => {
    await exportTo(rsaId, { format: 'pfx', password: PW, iterations: FAST, profile: 'compatible' }, 'audited.pfx')
    const events = listEvents(f.db, { subjectType: 'certificate', subjectId: rsaId }).filter((e) => e.action === 'certificate.exported')
    expect(events[0]?.detail).toMatchObject({ format: 'pfx', profile: 'compatible', destination: 'file', containsKey: true })
    const everything = JSON.stringify(f.db.prepare('SELECT * FROM events').all())
    expect(everything).not.toContain(PW)
    expect(everything).not.toContain(ASCII_PW)
  })

  it('builds an export in memory for the UI download path, parsed back and audited, without touching the disk', async () => {
    const bundle = await f.svc.buildExport(rsaId, { format: 'fullchain' }, 'ui')
    expect(bundle.files).toHaveLength(1)
    expect(bundle.files[0]?.fileName).toBe('rsa.example.test.fullchain.pem')
    expect(bundle.certificates).toEqual([pki.leafRsa.fingerprint, pki.inter.fingerprint])
    expect(bundle.chainStatus).toBe('trusted')
  })
})

describe('export refusals', () => {
  it('says clearly when a format needs a key CertDesk does not have', async () => {
    const e = await refusal(f.svc.buildExport(noKeyId, { format: 'pfx', password: PW }, 'ui'))
    expect(e.code).toBe('conflict')
    expect(e.detail).toEqual({ reason: 'no_key' })
  })

  it('refuses a root it does not know instead of silently leaving it out', async () => {
    const other = makeService()
    try {
      const r = await other.svc.importFromText(pki.leafEc.pem + pki.inter.pem, { actor: 'ui' })
      const e = await refusal(other.svc.buildExport(r.certificates[0]?.id ?? '', { format: 'fullchain', includeRoot: true }, 'ui'))
      expect(e.detail).toEqual({ reason: 'root_unknown' })
    } finally {
      other.close()
    }
  })

  it('refuses contradictory options', async () => {
    expect((await refusal(f.svc.buildExport(rsaId, { format: 'pem', includeRoot: true }, 'ui'))).code).toBe('invalid_input')
    expect((await refusal(f.svc.buildExport(rsaId, { format: 'pfx', password: '' }, 'ui'))).code).toBe('invalid_input')
    expect((await refusal(f.svc.buildExport(rsaId, { format: 'pfx', password: PW, iterations: 100 }, 'ui'))).code).toBe('invalid_input')
  })
})

describe('server presets', () => {
  it('nginx writes the full chain and the key into a new 0700 folder, with notes', async () => {
    const dir = join(pki.dir, 'nginx')
    const r = await f.svc.exportPreset(rsaId, { preset: 'nginx', outDir: dir, unencryptedKey: true }, 'cli')
    expect(mode(dir)).toBe(0o700)
    expect(r.files.map((x) => x.path.split('/').pop())).toEqual(['rsa.example.test.fullchain.pem', 'rsa.example.test.key'])
    expect(r.files.map((x) => x.mode)).toEqual([0o644, 0o600])
    expect(r.files[0]?.note).toMatch(/ssl_certificate /)
    expect(cns(join(dir, 'rsa.example.test.fullchain.pem'))).toEqual([LEAF, INTER])
    expect(mode(join(dir, 'rsa.example.test.key'))).toBe(0o600)
  })

  it('apache writes certificate, .ca-bundle and key; haproxy one PEM; both need the unencrypted-key confirmation', async () => {
    const e = await refusal(f.svc.exportPreset(rsaId, { preset: 'haproxy', outDir: join(pki.dir, 'hap-refused') }, 'cli'))
    expect(e.code).toBe('invalid_input')
    const a = await f.svc.exportPreset(rsaId, { preset: 'apache', outDir: join(pki.dir, 'apache'), unencryptedKey: true }, 'cli')
    expect(a.files.map((x) => x.path.split('/').pop())).toEqual(['rsa.example.test.crt', 'rsa.example.test.ca-bundle', 'rsa.example.test.key'])
    expect(cns(join(pki.dir, 'apache', 'rsa.example.test.ca-bundle'))).toEqual([INTER])
    const h = await f.svc.exportPreset(rsaId, { preset: 'haproxy', outDir: join(pki.dir, 'haproxy'), unencryptedKey: true }, 'cli')
    expect(h.files[0]?.mode).toBe(0o600)
    expect(h.files[0]?.note).toMatch(/crt \/etc\/haproxy\/certs\/rsa\.example\.test\.pem/)
  })

  it('iis writes a Compatible .pfx by default; tomcat a Modern keystore keytool lists under the alias it names', async () => {
    const iis = await f.svc.exportPreset(ecId, { preset: 'iis', outDir: join(pki.dir, 'iis'), password: ASCII_PW }, 'cli')
    expect(openssl(['pkcs12', '-info', '-noout', '-in', iis.files[0]?.path ?? '', '-passin', `pass:${ASCII_PW}`])).toMatch(/MAC: sha1, Iteration 50000/)
    const tomcat = await f.svc.exportPreset(ecId, { preset: 'tomcat', outDir: join(pki.dir, 'tomcat'), password: ASCII_PW }, 'cli')
    expect(tomcat.files[0]?.note).toMatch(/certificateKeyAlias="ec.example.test"/)
    const listing = await keytool(['-list', '-storetype', 'PKCS12', '-keystore', tomcat.files[0]?.path ?? '', '-storepass', ASCII_PW])
    expect(listing).toMatch(/ec\.example\.test, .*PrivateKeyEntry/)
  })

  it('writes nothing when one of the preset files already exists', async () => {
    const dir = join(pki.dir, 'nginx-partial')
    mkdirSync(dir)
    writeFileSync(join(dir, 'ec.example.test.key'), 'old key')
    const e = await refusal(f.svc.exportPreset(ecId, { preset: 'nginx', outDir: dir, unencryptedKey: true }, 'cli'))
    expect(e.detail).toEqual({ reason: 'exists' })
    expect(() => statSync(join(dir, 'ec.example.test.fullchain.pem'))).toThrow()
    expect(readFileSync(join(dir, 'ec.example.test.key'), 'utf8')).toBe('old key')
  })
})
