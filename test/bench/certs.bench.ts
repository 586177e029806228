import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'vitest'
import { DAY_MS, EXPIRED_REPORT_DAYS, EXPIRY_WARNING_DAYS } from '../../src-main/core/certs/expiry'
import { indexPending } from '../../src-main/core/certs/estate-index'
import { createCore, type Core } from '../../src-main/core/core'
import { PKCS12_PROFILES, type Pkcs12Profile, writePkcs12 } from '../../src-main/core/pki/formats/pkcs12'
import { PKCS8_DEFAULT_ITERATIONS } from '../../src-main/core/pki/formats/pkcs8'
import { MemoryCredentialStore } from '../../src-main/core/secrets/credential-store'
import { insertCertificate } from '../../src-main/core/store/certificates-repo'
import { issue, type KeyKind, makeTestPki, openssl, type TestPki } from '../fixtures/certs/pki-fixtures'
import { fmt, report, timeAsync, timeProcess } from './measure'

/** Export and import password (printable ASCII, so no Java warning is added). */
const PASSWORD = 'Bench-Password-42'
/** The test PKI's leaves: EC P-256 and RSA-2048, both under an EC intermediate and root. */
const KEY_KINDS: KeyKind[] = ['ec', 'rsa']
/** CertDesk's two PKCS#12 profiles (pkcs12.ts PKCS12_PROFILES). */
const PROFILES: Pkcs12Profile[] = ['modern', 'compatible']
/** OpenSSL 3.0's PKCS12_DEFAULT_ITER: the count `openssl pkcs12 -export` uses for encryption and MAC. */
const OPENSSL_PKCS12_ITERATIONS = 2_048
/** Same structure as CertDesk's profiles: Modern is OpenSSL 3's default; Compatible is 3DES for both parts, SHA-1 MAC (-legacy would use RC2-40 for certificates). */
const OPENSSL_PKCS12_ARGS: Record<Pkcs12Profile, string[]> = {
  modern: [],
  compatible: ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
}
/** A CertDesk pfx export runs 3 KDFs to write and 3 more to read the file back: ~0.2 s per run. */
const PFX_EXPORT_RUNS = 5
/** openssl pkcs12 -export takes ~15 ms at 2,048 rounds: more runs cost little. */
const OPENSSL_PFX_RUNS = 15
/** 600,000 PBKDF2 rounds (CertDesk writes and reads back, openssl only writes): 0.15-0.25 s per run. */
const KEY_EXPORT_RUNS = 5
/** Timed imports per key type, each of its own leaf so every run adds a certificate and a key. */
const IMPORT_RUNS = 10
/** openssl pkcs12 reading a 2,048-round file takes ~15 ms. */
const OPENSSL_IMPORT_RUNS = 15
/** Certificate rows in the large database. */
const LARGE_CERT_ROWS = 2_000
/** Host names in the large database: each is renewed LARGE_CERT_ROWS / LARGE_DB_HOSTS times. */
const LARGE_DB_HOSTS = 400
/** Days between two renewals of one host in the large database. */
const RENEWAL_DAYS = 60
/** Runs of each query over the large database. */
const QUERY_RUNS = 10

interface PkiCore {
  pki: TestPki
  core: Core
  /** Stored leaf ids by key type (each imported with its key, the intermediate and the root). */
  ids: Record<KeyKind, string>
  /** A fresh file name in an output folder. */
  out: (name: string) => string
  pwFile: string
  dispose: () => void
}

/** A core in a fresh data dir holding the test PKI: root -> intermediate -> EC and RSA leaves with keys. */
async function pkiCore(): Promise<PkiCore> {
  const pki = await makeTestPki()
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-bench-'))
  const core = createCore({ dataDir: dir, credentials: new MemoryCredentialStore() })
  const dispose = (): void => {
    core.close()
    rmSync(dir, { recursive: true, force: true })
    rmSync(pki.dir, { recursive: true, force: true })
  }
  try {
    const ids = {} as Record<KeyKind, string>
    for (const kind of KEY_KINDS) {
      const leaf = kind === 'ec' ? pki.leafEc : pki.leafRsa
      const r = await core.certs.importFromText(leaf.keyPem + leaf.pem + pki.inter.pem + pki.root.pem, {
        actor: 'cli',
      })
      const id = r.certificates.find((c) => c.role === 'leaf')?.id
      if (!id) throw new Error(`no ${kind} leaf imported`)
      ids[kind] = id
    }
    let n = 0
    return {
      pki,
      core,
      ids,
      out: (name) => join(dir, `${++n}-${name}`),
      pwFile: pki.file('pw', PASSWORD),
      dispose,
    }
  } catch (e) {
    dispose()
    throw e
  }
}

/** n as lower-case hex, zero-padded to len digits (distinct fingerprints and serials). */
function hex(n: number, len: number): string {
  return n.toString(16).padStart(len, '0')
}

describe('certificates', () => {
  it('PKCS#12 export (leaf + intermediate + root) vs openssl pkcs12 -export', async () => {
    const { pki, core, ids, out, pwFile, dispose } = await pkiCore()
    try {
      const chainFile = pki.file('chain.pem', pki.inter.pem + pki.root.pem)
      const rows: [string, string, string][] = []
      for (const kind of KEY_KINDS) {
        const leaf = kind === 'ec' ? pki.leafEc : pki.leafRsa
        const keyFile = pki.file(`${kind}.key`, leaf.keyPem)
        const certFile = pki.file(`${kind}.crt`, leaf.pem)
        for (const profile of PROFILES) {
          const iterations = PKCS12_PROFILES[profile].defaultIterations
          const ours = await timeAsync(PFX_EXPORT_RUNS, () =>
            core.certs.exportToFile(
              ids[kind],
              { format: 'pfx', profile, password: PASSWORD, includeRoot: true, outFile: out(`${kind}.pfx`) },
              'cli',
            ),
          )
          const writeOnly = await timeAsync(PFX_EXPORT_RUNS, () =>
            writePkcs12(
              {
                pkcs8Der: leaf.keyDer,
                certificates: [leaf.der, pki.inter.der, pki.root.der],
                friendlyName: 'bench',
              },
              { profile, password: PASSWORD },
            ),
          )
          const args = [
            'pkcs12',
            '-export',
            ...OPENSSL_PKCS12_ARGS[profile],
            '-inkey',
            keyFile,
            '-in',
            certFile,
            '-certfile',
            chainFile,
            '-passout',
            `file:${pwFile}`,
            '-out',
            join(pki.dir, 'openssl.p12'),
          ]
          const theirs = timeProcess(OPENSSL_PFX_RUNS, 'openssl', args)
          const theirsSame = timeProcess(OPENSSL_PFX_RUNS, 'openssl', [...args, '-iter', String(iterations)])
          const ratio = (iterations / OPENSSL_PKCS12_ITERATIONS).toFixed(0)
          rows.push([
            `${kind} ${profile}: exportToFile (write, read back, verify)`,
            fmt(ours),
            `openssl default ${OPENSSL_PKCS12_ITERATIONS} iter (CertDesk ${iterations}, ${ratio}x more): ${fmt(theirs)}`,
          ])
          rows.push([
            `${kind} ${profile}: writePkcs12 only`,
            fmt(writeOnly),
            `openssl -iter ${iterations} (same KDF work): ${fmt(theirsSame)}`,
          ])
        }
      }
      report('PKCS#12 export', rows)
    } finally {
      dispose()
    }
  })

  it(`encrypted PKCS#8 key export (${PKCS8_DEFAULT_ITERATIONS} PBKDF2 rounds) vs openssl pkcs8 -topk8`, async () => {
    const { pki, core, ids, out, pwFile, dispose } = await pkiCore()
    try {
      const rows: [string, string, string][] = []
      for (const kind of KEY_KINDS) {
        const keyFile = pki.file(`${kind}.key`, (kind === 'ec' ? pki.leafEc : pki.leafRsa).keyPem)
        const ours = await timeAsync(KEY_EXPORT_RUNS, () =>
          core.certs.exportToFile(
            ids[kind],
            { format: 'key', password: PASSWORD, outFile: out(`${kind}.key`) },
            'cli',
          ),
        )
        const theirs = timeProcess(KEY_EXPORT_RUNS, 'openssl', [
          'pkcs8',
          '-topk8',
          '-v2',
          'aes-256-cbc',
          '-v2prf',
          'hmacWithSHA256',
          '-iter',
          String(PKCS8_DEFAULT_ITERATIONS),
          '-in',
          keyFile,
          '-passout',
          `file:${pwFile}`,
          '-out',
          join(pki.dir, 'openssl.key'),
        ])
        rows.push([
          `${kind}: exportToFile key (write, read back, verify)`,
          fmt(ours),
          `openssl pkcs8 -topk8 -iter ${PKCS8_DEFAULT_ITERATIONS} (write only): ${fmt(theirs)}`,
        ])
      }
      report('Encrypted PKCS#8 export', rows)
    } finally {
      dispose()
    }
  })

  it('PKCS#12 import into the store vs openssl pkcs12 reading the same files', async () => {
    const { pki, core, pwFile, dispose } = await pkiCore()
    try {
      const chainFile = pki.file('chain.pem', pki.inter.pem + pki.root.pem)
      const rows: [string, string, string][] = []
      for (const kind of KEY_KINDS) {
        // One file per run plus a warm-up, each of its own leaf, made by openssl with its defaults.
        const files: string[] = []
        for (let i = 0; i <= IMPORT_RUNS; i++) {
          const name = `import-${kind}-${i}.example.test`
          const leaf = await issue({ subject: `CN=${name}`, issuer: pki.inter, keyKind: kind, dns: [name] })
          const p12 = join(pki.dir, `${name}.p12`)
          openssl([
            'pkcs12',
            '-export',
            '-inkey',
            pki.file(`${name}.key`, leaf.keyPem),
            '-in',
            pki.file(`${name}.crt`, leaf.pem),
            '-certfile',
            chainFile,
            '-passout',
            `file:${pwFile}`,
            '-out',
            p12,
          ])
          files.push(p12)
        }
        let next = 0
        const importNext = async (): Promise<void> => {
          const r = await core.certs.importFromFile(files[next++] ?? '', { actor: 'cli', password: PASSWORD })
          if (!r.certificates.some((c) => c.role === 'leaf' && c.status === 'added'))
            throw new Error('import added no leaf')
        }
        await importNext()
        const ours = await timeAsync(IMPORT_RUNS, importNext)
        const file = files[0] ?? ''
        const decode = timeProcess(OPENSSL_IMPORT_RUNS, 'openssl', [
          'pkcs12',
          '-in',
          file,
          '-passin',
          `file:${pwFile}`,
          '-nodes',
          '-out',
          '/dev/null',
        ])
        const info = timeProcess(OPENSSL_IMPORT_RUNS, 'openssl', [
          'pkcs12',
          '-in',
          file,
          '-passin',
          `file:${pwFile}`,
          '-info',
          '-noout',
        ])
        rows.push([
          `${kind}: importFromFile, parsed in-process (createCore default, no importParser)`,
          fmt(ours),
          `openssl pkcs12 -nodes -out /dev/null: ${fmt(decode)}; -info -noout: ${fmt(info)}`,
        ])
      }
      report(
        `PKCS#12 import (openssl -export defaults: ${OPENSSL_PKCS12_ITERATIONS} iter, 3 certificates)`,
        rows,
      )
    } finally {
      dispose()
    }
  })

  it(`listing certificates from a large database (${LARGE_CERT_ROWS} rows)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-bench-'))
    const core = createCore({ dataDir: dir, credentials: new MemoryCredentialStore() })
    try {
      const cert = await issue({ subject: 'CN=a.example.com', dns: ['a.example.com'] })
      const now = Date.now()
      const rssBefore = process.memoryUsage().rss
      const t = performance.now()
      core.db.transaction(() => {
        for (let i = 0; i < LARGE_CERT_ROWS; i++) {
          const host = `h${i % LARGE_DB_HOSTS}.example.com`
          // Renewal r of a host expires r * RENEWAL_DAYS later: the oldest expired, the next one due.
          const renewal = Math.floor(i / LARGE_DB_HOSTS)
          const notAfter = now + (-45 + renewal * RENEWAL_DAYS + (i % 30)) * DAY_MS
          insertCertificate(core.db, {
            id: `crt_${String(i).padStart(16, '0')}`,
            der: cert.der,
            fingerprintSha256: hex(i, 64),
            serial: hex(i, 16),
            subject: `CN=${host}`,
            issuer: 'CN=Bench CA',
            commonName: host,
            sans: [
              { type: 'dns', value: host },
              { type: 'dns', value: `www.${host}` },
            ],
            notBefore: new Date(notAfter - 90 * DAY_MS).toISOString(),
            notAfter: new Date(notAfter).toISOString(),
            spkiSha256: hex(i + 1, 64),
            keyAlgorithm: 'ec-p256',
            keyId: null,
            isCa: false,
            selfSigned: false,
            subjectHash: hex(i % LARGE_DB_HOSTS, 64),
            issuerHash: 'f'.repeat(64),
            subjectKeyId: null,
            authorityKeyId: null,
            source: 'imported',
            orderId: null,
            createdAt: new Date(now - (LARGE_CERT_ROWS - i) * 1000).toISOString(),
          })
        }
      })()
      const insertMs = performance.now() - t
      const ti = performance.now()
      indexPending(core.db)
      const indexMs = performance.now() - ti
      const list = await timeAsync(QUERY_RUNS, () => Promise.resolve(core.certs.list()))
      const expiring = await timeAsync(QUERY_RUNS, () =>
        Promise.resolve(core.certs.expiring(EXPIRY_WARNING_DAYS)),
      )
      const rssAfter = process.memoryUsage().rss
      const selectAll = core.db.prepare('SELECT * FROM certificates ORDER BY not_after DESC, id')
      const selectDue = core.db.prepare(
        'SELECT * FROM certificates WHERE is_ca = 0 AND not_after BETWEEN ? AND ?',
      )
      const count = core.db.prepare('SELECT COUNT(*) AS n FROM certificates')
      const all = await timeAsync(QUERY_RUNS, () => Promise.resolve(selectAll.all()))
      const dueWindow = (): [string, string] => [
        new Date(Date.now() - EXPIRED_REPORT_DAYS * DAY_MS).toISOString(),
        new Date(Date.now() + EXPIRY_WARNING_DAYS * DAY_MS).toISOString(),
      ]
      const due = await timeAsync(QUERY_RUNS, () => Promise.resolve(selectDue.all(...dueWindow())))
      const counted = await timeAsync(QUERY_RUNS, () => Promise.resolve(count.get()))
      const r = core.certs.expiring(EXPIRY_WARNING_DAYS)
      report(`Large database (${LARGE_CERT_ROWS} certificates, ${LARGE_DB_HOSTS} hosts, one transaction)`, [
        ['insert all (insertCertificate)', `${insertMs.toFixed(0)} ms`, 'no baseline (setup)'],
        ['index them (estate-index: names, search, due moment, replacements)', `${indexMs.toFixed(0)} ms`, 'no baseline (setup)'],
        [
          'certs.list',
          fmt(list),
          `SELECT * ORDER BY not_after: ${fmt(all)}; COUNT(*): ${fmt(counted)}; RSS +${((rssAfter - rssBefore) / 1048576).toFixed(0)} MiB`,
        ],
        [
          `certs.expiring(${EXPIRY_WARNING_DAYS}): ${r.due.length} due, ${r.replaced.length} replaced`,
          fmt(expiring),
          `SELECT * WHERE not_after in window: ${fmt(due)}`,
        ],
      ])
    } finally {
      core.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
