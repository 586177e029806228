import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/core/api/dispatch'
import { createBackup } from '../../../src-main/core/backup/create-backup'
import { MAX_BACKUP_FILE_BYTES } from '../../../src-main/core/backup/container'
import { restoreBackup } from '../../../src-main/core/backup/restore-backup'
import { verifyBackup } from '../../../src-main/core/backup/verify-backup'
import { createCore, type Core } from '../../../src-main/core/core'
import { CoreError } from '../../../src-main/core/errors'
import { createTrustStore } from '../../../src-main/core/pki/chain/trust-store'
import type { CredentialStore } from '../../../src-main/core/secrets/credential-store'
import { getMeta } from '../../../src-main/core/store/meta-repo'
import { MIN_PASSPHRASE_LENGTH } from '../../../src-main/core/vault/vault'
import { BACKUP_USAGE } from '../../../src-main/cli/usage'
import { issue, toPem, type Issued } from '../../fixtures/certs/pki-fixtures'
import { openssl } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'
import { testCredentials } from '../orders/helpers'

const PASSPHRASE = 'Backup passphrase 2026 ✓'
const EXPORT_PASSWORD = 'Export-Pw-2026'
/** Rows the concurrent writer commits before the backup starts. */
const WRITES_BEFORE_BACKUP = 50

const tempDir = useTempDirs()
const cores: Core[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.shutdown()
})

function openCore(dataDir: string, credentials: CredentialStore, roots: Issued[] = []): Core {
  const core = createCore({
    dataDir,
    credentials,
    trustStore: createTrustStore(
      roots.map((r) => r.der),
      ['test'],
    ),
    exportDir: join(dataDir, 'exports'),
  })
  cores.push(core)
  return core
}

async function closeCore(core: Core): Promise<void> {
  cores.splice(cores.indexOf(core), 1)
  await core.shutdown()
}

async function errorOf(p: Promise<unknown>): Promise<CoreError> {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(CoreError)
  return e as CoreError
}

interface Source {
  dir: string
  core: Core
  store: CredentialStore
  root: Issued
  /** The certificate signed for the CSR CertDesk made, and the PEM of that CSR's public key. */
  csrCertId: string
  csrPublicKeyPem: string
  /** A key and certificate made elsewhere and imported: its PKCS#8 DER is known to the test. */
  imported: Issued
  importedCertId: string
}

/** A data folder with a generated key and CSR, its certificate signed by a test CA, and an imported key and certificate. */
async function makeSource(dir: string, opts: { vaultPassphrase?: string } = {}): Promise<Source> {
  const store = testCredentials()
  const root = await issue({ subject: 'CN=Backup Test Root', ca: true })
  const core = openCore(dir, store, [root])
  if (opts.vaultPassphrase) await core.vault.setupPassphrase(opts.vaultPassphrase)
  const csr = await core.csrs.generate(
    { keyType: 'ec-p256', subject: { cn: 'backup.example.org' }, sans: ['backup.example.org'] },
    'cli',
  )
  const csrDer = (core.db.prepare('SELECT der FROM csrs WHERE id = ?').get(csr.id) as { der: Buffer }).der
  const work = join(dir, '..', `${csr.id}-ca`)
  mkdirSync(work)
  const f = (n: string) => join(work, n)
  writeFileSync(f('csr.pem'), toPem('CERTIFICATE REQUEST', csrDer))
  writeFileSync(f('root.pem'), root.pem)
  writeFileSync(f('root.key'), root.keyPem)
  writeFileSync(
    f('leaf.ext'),
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:backup.example.org\n',
  )
  const signed = openssl([
    'x509',
    '-req',
    '-in',
    f('csr.pem'),
    '-CA',
    f('root.pem'),
    '-CAkey',
    f('root.key'),
    '-set_serial',
    '42',
    '-days',
    '30',
    '-extfile',
    f('leaf.ext'),
    '-out',
    f('leaf.pem'),
  ])
  expect(signed.code, signed.stderr).toBe(0)
  const csrPublicKeyPem = openssl(['req', '-in', f('csr.pem'), '-pubkey', '-noout']).stdout
  const fromCsr = await core.certs.importFromText(readFileSync(f('leaf.pem'), 'utf8') + root.pem, {
    actor: 'cli',
  })
  const imported = await issue({
    subject: 'CN=imported.example.test',
    issuer: root,
    dns: ['imported.example.test'],
  })
  const fromElsewhere = await core.certs.importFromText(imported.keyPem + imported.pem, { actor: 'cli' })
  const csrCert = fromCsr.certificates.find((c) => c.role === 'leaf')
  const importedCert = fromElsewhere.certificates.find((c) => c.role === 'leaf')
  expect(csrCert?.keyId).toBe(csr.key?.id)
  expect(importedCert?.keyId).toBeTruthy()
  return {
    dir,
    core,
    store,
    root,
    csrCertId: csrCert?.id ?? '',
    csrPublicKeyPem,
    imported,
    importedCertId: importedCert?.id ?? '',
  }
}

function backupDeps(core: Core): Parameters<typeof createBackup>[0] {
  return { db: core.db, dataDir: core.dataDir, vault: core.vault, clock: core.clock, version: '0.1.0-test' }
}

/** Exports a certificate's key as encrypted PKCS#8 and returns what openssl decrypts from it. */
async function exportedKeyPublicPem(core: Core, certId: string, out: string): Promise<string> {
  await core.certs.exportToFile(certId, { format: 'key', password: EXPORT_PASSWORD, outFile: out }, 'cli')
  const r = openssl(['pkey', '-in', out, '-passin', `pass:${EXPORT_PASSWORD}`, '-pubout'])
  expect(r.code, r.stderr).toBe(0)
  return r.stdout
}

/** Restores into `dataDir` with the data key in a keychain of its own, as on another machine. */
function restoreWithKeychain(
  file: string,
  passphrase: string,
  dataDir: string,
): ReturnType<typeof restoreBackup> {
  return restoreBackup({ file, passphrase, dataDir, vault: { mode: 'keychain', store: testCredentials() } })
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

describe('backup and restore', () => {
  it('restores keys, CSRs and certificates on "another machine" (another keychain), where every key still exports', async () => {
    const dir = tempDir()
    const src = await makeSource(join(dir, 'source'))
    const file = join(dir, 'certdesk.backup')
    const created = await createBackup(backupDeps(src.core), {
      passphrase: PASSPHRASE,
      outFile: file,
      actor: 'cli',
    })
    expect(created).toMatchObject({
      file,
      mode: 0o600,
      counts: { keys: 2, certificates: 3, orders: 0 },
      keysDecrypted: 2,
      formatVersion: 1,
    })
    expect(created.fileBytes).toBe(statSync(file).size)
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([])

    const otherMachine = testCredentials()
    const target = join(dir, 'restored')
    const restored = await restoreBackup({
      file,
      passphrase: PASSPHRASE,
      dataDir: target,
      vault: { mode: 'keychain', store: otherMachine },
    })
    expect(restored).toMatchObject({
      dataDir: target,
      vaultMode: 'keychain',
      counts: { keys: 2, certificates: 3, orders: 0 },
    })
    expect(statSync(join(target, 'certdesk.db')).mode & 0o777).toBe(0o600)

    const there = openCore(target, otherMachine)
    expect(await there.vault.status()).toMatchObject({ state: 'ready', mode: 'keychain' })
    expect(getMeta(there.db, 'vault.id')).not.toBe(getMeta(src.core.db, 'vault.id'))
    expect(
      there.keys
        .list()
        .map((k) => k.spkiSha256)
        .sort(),
    ).toEqual(
      src.core.keys
        .list()
        .map((k) => k.spkiSha256)
        .sort(),
    )
    expect(there.csrs.list()).toHaveLength(1)
    expect(await exportedKeyPublicPem(there, src.csrCertId, join(dir, 'csr-key.pem'))).toBe(
      src.csrPublicKeyPem,
    )
    const importedPublic = openssl(['pkey', '-pubout'], src.imported.keyPem).stdout
    expect(await exportedKeyPublicPem(there, src.importedCertId, join(dir, 'imported-key.pem'))).toBe(
      importedPublic,
    )
  })

  it('backs up a passphrase vault and restores it under the keychain, or under a new vault passphrase', async () => {
    const dir = tempDir()
    const src = await makeSource(join(dir, 'source'), { vaultPassphrase: 'vault passphrase one' })
    const file = join(dir, 'vault.backup')
    await createBackup(backupDeps(src.core), { passphrase: PASSPHRASE, outFile: file, actor: 'cli' })

    const viaKeychain = join(dir, 'keychain')
    await restoreWithKeychain(file, PASSPHRASE, viaKeychain)
    const viaPassphrase = join(dir, 'passphrase')
    await restoreBackup({
      file,
      passphrase: PASSPHRASE,
      dataDir: viaPassphrase,
      vault: { mode: 'passphrase', passphrase: 'vault passphrase two' },
    })

    const k = openCore(viaKeychain, testCredentials())
    expect(getMeta(k.db, 'vault.wrapped')).toBeNull()
    const p = openCore(viaPassphrase, testCredentials())
    expect(await p.vault.status()).toMatchObject({ state: 'locked', mode: 'passphrase' })
    await expect(p.vault.unlock('vault passphrase one')).rejects.toMatchObject({ code: 'wrong_password' })
    await p.vault.unlock('vault passphrase two')
    const importedPublic = openssl(['pkey', '-pubout'], src.imported.keyPem).stdout
    expect(await exportedKeyPublicPem(p, src.importedCertId, join(dir, 'p.pem'))).toBe(importedPublic)
  })

  it('takes a consistent snapshot while another connection keeps writing', async () => {
    const dir = tempDir()
    const src = await makeSource(join(dir, 'source'))
    const dbFile = join(src.dir, 'certdesk.db')
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const Database = require('better-sqlite3')
         const db = new Database(process.argv[1]); db.pragma('busy_timeout = 5000')
         const tick = db.transaction((n) => {
           db.prepare("INSERT INTO events(at, actor, action, detail_json) VALUES (?, 'system', 'test.tick', '{}')").run(new Date().toISOString())
           db.prepare("INSERT INTO meta(name, value) VALUES ('test.ticks', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value").run(String(n))
         })
         for (let n = 1; ; n++) { tick(n); if (n === ${WRITES_BEFORE_BACKUP}) process.stdout.write('ready\\n') }`,
        dbFile,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const exited = new Promise((resolve) => writer.once('exit', resolve))
    try {
      await new Promise<void>((resolve, reject) => {
        writer.stdout.once('data', () => resolve())
        writer.once('exit', (code) => reject(new Error(`writer exited early (${code})`)))
      })
      const ticks = () => Number(getMeta(src.core.db, 'test.ticks'))
      const before = ticks()
      const file = join(dir, 'busy.backup')
      const created = await createBackup(backupDeps(src.core), {
        passphrase: PASSPHRASE,
        outFile: file,
        actor: 'cli',
      })
      const after = ticks()
      expect(after).toBeGreaterThan(before)

      const target = join(dir, 'restored')
      await restoreWithKeychain(file, PASSPHRASE, target)
      const copy = new Database(join(target, 'certdesk.db'), { readonly: true })
      try {
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
        const inBackup = Number(
          (copy.prepare("SELECT value FROM meta WHERE name = 'test.ticks'").get() as { value: string }).value,
        )
        const rows = (
          copy.prepare("SELECT count(*) AS n FROM events WHERE action = 'test.tick'").get() as { n: number }
        ).n
        expect(rows).toBe(inBackup)
        expect(inBackup).toBeGreaterThanOrEqual(before)
        expect(inBackup).toBeLessThanOrEqual(after)
        expect((copy.prepare('SELECT count(*) AS n FROM keys').get() as { n: number }).n).toBe(
          created.counts.keys,
        )
      } finally {
        copy.close()
      }
    } finally {
      writer.kill('SIGKILL')
      await exited
    }
  })

  it('gives a typed error for a wrong passphrase, a truncated file and any flipped byte, and writes nothing', async () => {
    const dir = tempDir()
    const src = await makeSource(join(dir, 'source'))
    const file = join(dir, 'good.backup')
    await createBackup(backupDeps(src.core), { passphrase: PASSPHRASE, outFile: file, actor: 'cli' })
    const good = readFileSync(file)
    const target = join(dir, 'target')
    const variant = (name: string, bytes: Buffer) => {
      const p = join(dir, name)
      writeFileSync(p, bytes)
      return p
    }
    const expectRefused = async (f: string, passphrase: string, code: string, message: RegExp) => {
      const v = await errorOf(verifyBackup(f, passphrase))
      expect([v.code, v.message]).toEqual([code, expect.stringMatching(message)])
      const r = await errorOf(restoreWithKeychain(f, passphrase, target))
      expect(r.code).toBe(code)
      expect(existsSync(target)).toBe(false)
    }

    await expectRefused(file, 'not the passphrase', 'wrong_password', /Wrong passphrase/)
    await expectRefused(
      variant('truncated.backup', good.subarray(0, good.length - 100)),
      PASSPHRASE,
      'bad_format',
      /damaged \(checksum mismatch\)/,
    )
    await expectRefused(variant('tiny.backup', good.subarray(0, 12)), PASSPHRASE, 'bad_format', /damaged/)
    await expectRefused(
      variant('other.backup', Buffer.from('hello, not a backup')),
      PASSPHRASE,
      'bad_format',
      /not a CertDesk backup/,
    )
    const headerLength = good.readUInt32BE(10)
    // In the header JSON, the key block, the sealed database and the checksum.
    for (const at of [20, 14 + headerLength + 20, good.length - 200, good.length - 1]) {
      const flipped = Buffer.from(good)
      flipped[at] = (flipped[at] ?? 0) ^ 0x01
      await expectRefused(
        variant(`flip-${at}.backup`, flipped),
        PASSPHRASE,
        'bad_format',
        /damaged \(checksum mismatch\)/,
      )
    }
    // Altered on purpose, with the checksum recomputed: the GCM tags still refuse it.
    const forged = Buffer.from(good)
    forged[good.length - 200] = (forged[good.length - 200] ?? 0) ^ 0x01
    createHash('sha256')
      .update(forged.subarray(0, forged.length - 32))
      .digest()
      .copy(forged, forged.length - 32)
    await expectRefused(variant('forged.backup', forged), PASSPHRASE, 'crypto_error', /altered/)
  })

  it('holds no private key or data key in the clear, and is created 0600 and never over another file', async () => {
    const dir = tempDir()
    const src = await makeSource(join(dir, 'source'))
    const file = join(dir, 'scan.backup')
    await createBackup(backupDeps(src.core), { passphrase: PASSPHRASE, outFile: file, actor: 'cli' })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const bytes = readFileSync(file)
    const vaultId = getMeta(src.core.db, 'vault.id') ?? ''
    const dataKeyB64 = (await src.store.get(`vault-data-key:${vaultId}`)) ?? ''
    expect(dataKeyB64).not.toBe('')
    const secrets = [src.imported.keyDer, Buffer.from(dataKeyB64, 'base64'), Buffer.from(dataKeyB64)]
    for (const key of src.core.keys.list())
      secrets.push(await src.core.keys.withPrivateKey(key.id, (der) => Promise.resolve(Buffer.from(der))))
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(32)
      for (let at = 0; at + 16 <= secret.length; at += 16)
        expect(bytes.indexOf(secret.subarray(at, at + 16))).toBe(-1)
    }
    expect(bytes.includes('PRIVATE KEY')).toBe(false)
    expect(bytes.includes('SQLite format 3')).toBe(false)

    const again = await errorOf(
      createBackup(backupDeps(src.core), { passphrase: PASSPHRASE, outFile: file, actor: 'cli' }),
    )
    expect(again).toMatchObject({ code: 'io_error', detail: { reason: 'exists' } })
    expect(readFileSync(file).equals(bytes)).toBe(true)
    expect(BACKUP_USAGE).toContain(`at least ${MIN_PASSPHRASE_LENGTH} characters`)
    const short = await errorOf(
      createBackup(backupDeps(src.core), {
        passphrase: 'x'.repeat(MIN_PASSPHRASE_LENGTH - 1),
        outFile: join(dir, 'short.backup'),
        actor: 'cli',
      }),
    )
    expect(short.code).toBe('invalid_input')
    expect(
      readdirSync(dir)
        .filter((n) => n.includes('backup'))
        .sort(),
    ).toEqual(['scan.backup'])
  })

  it('refuses to restore into a folder that already holds a database, and leaves it as it was', async () => {
    const dir = tempDir()
    const src = await makeSource(join(dir, 'source'))
    const file = join(dir, 'x.backup')
    await createBackup(backupDeps(src.core), { passphrase: PASSPHRASE, outFile: file, actor: 'cli' })
    const occupied = join(dir, 'occupied')
    const other = openCore(occupied, testCredentials())
    await other.csrs.generate({ keyType: 'ec-p256', subject: { cn: 'other.example.org' }, sans: [] }, 'cli')
    await closeCore(other)
    const before = sha256(join(occupied, 'certdesk.db'))
    const refused = await errorOf(restoreWithKeychain(file, PASSPHRASE, occupied))
    expect(refused.code).toBe('conflict')
    expect(refused.message).toMatch(/already holds a CertDesk database/)
    expect(sha256(join(occupied, 'certdesk.db'))).toBe(before)
    const onlyWal = join(dir, 'only-wal')
    mkdirSync(onlyWal)
    writeFileSync(join(onlyWal, 'certdesk.db-wal'), '')
    expect((await errorOf(restoreWithKeychain(file, PASSPHRASE, onlyWal))).code).toBe('conflict')
    expect(readdirSync(onlyWal)).toEqual(['certdesk.db-wal'])
  })

  it('reads no backup larger than its named limit', async () => {
    const dir = tempDir()
    const big = join(dir, 'big.backup')
    writeFileSync(big, Buffer.alloc(0))
    const fh = await import('node:fs/promises').then((fs) => fs.open(big, 'r+'))
    await fh.truncate(MAX_BACKUP_FILE_BYTES + 1)
    await fh.close()
    expect((await errorOf(verifyBackup(big, PASSPHRASE))).code).toBe('too_large')
  })

  it('lets the app and web shell name a file in the export folder only; paths are for the CLI', async () => {
    const dir = tempDir()
    const src = await makeSource(join(dir, 'source'))
    const ctx = (frontDoor: 'electron' | 'cli') => ({
      core: src.core,
      actor: frontDoor === 'cli' ? ('cli' as const) : ('ui' as const),
      frontDoor,
      version: '0.1.0-test',
    })
    const byPath = await dispatch(ctx('electron'), 'backup.create', {
      passphrase: PASSPHRASE,
      destination: { kind: 'path', path: join(dir, 'p.backup') },
    })
    expect(byPath).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(existsSync(join(dir, 'p.backup'))).toBe(false)
    const named = await dispatch(ctx('electron'), 'backup.create', {
      passphrase: PASSPHRASE,
      destination: { kind: 'exports', name: 'mine.backup' },
    })
    expect(named).toMatchObject({
      ok: true,
      value: { file: join(src.core.exportDir, 'mine.backup'), counts: { keys: 2 } },
    })
    const verified = await dispatch(ctx('electron'), 'backup.verify', {
      passphrase: PASSPHRASE,
      file: { kind: 'exports', name: 'mine.backup' },
    })
    expect(verified).toMatchObject({ ok: true, value: { keysDecrypted: 2 } })
    expect(JSON.stringify(verified)).not.toContain(PASSPHRASE)
    const readByPath = await dispatch(ctx('electron'), 'backup.verify', {
      passphrase: PASSPHRASE,
      file: { kind: 'path', path: join(src.core.exportDir, 'mine.backup') },
    })
    expect(readByPath).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(readByPath.ok ? '' : readByPath.error.message).toMatch(
      /^Reading a chosen path is available from the command line only/,
    )
    const wrong = await dispatch(ctx('cli'), 'backup.verify', {
      passphrase: 'wrong passphrase',
      file: { kind: 'path', path: join(src.core.exportDir, 'mine.backup') },
    })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'wrong_password' } })
  })
})
