import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Core, createCore } from '../../../src-main/core/core'
import { type ParsedMaterial, parseImportInput } from '../../../src-main/core/pki/formats/import-parser'
import { createTrustStore } from '../../../src-main/core/pki/chain/trust-store'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { forkedImportParser } from '../../../src-main/parse-worker/node-host'
import { makeTestPki, openssl, type TestPki } from '../../fixtures/certs/pki-fixtures'
import { refusal } from '../../fixtures/certs/refusal'
import { gone } from '../../helpers/processes'
import { useTempDirs } from '../../helpers/temp-dir'

const WORKER_JS = join(__dirname, '../../../out/main/parse-worker.js')
const PW = 'Import-Pässwort 7'
/** Far below the time a child needs just to start, so the limit always fires first. */
const TOO_SHORT_MS = 5

const tempDir = useTempDirs()
let pki: TestPki
let p12: Buffer
let core: Core | null = null

beforeAll(async () => {
  if (!existsSync(WORKER_JS)) throw new Error(`${WORKER_JS} is missing: run \`npx electron-vite build\` before this suite.`)
  pki = await makeTestPki()
  const out = join(pki.dir, 'leaf.p12')
  openssl(['pkcs12', '-export', '-inkey', pki.file('leaf.key', pki.leafRsa.keyPem), '-in', pki.file('leaf.crt', pki.leafRsa.pem), '-certfile', pki.file('chain.pem', pki.inter.pem), '-passout', `file:${pki.file('pw', PW)}`, '-out', out])
  p12 = readFileSync(out)
})

afterEach(() => {
  core?.close()
  core = null
})

function summary(m: ParsedMaterial): unknown {
  return {
    certificates: m.certificates.map((c) => ({ fingerprint: c.cert.fingerprintSha256, subject: c.cert.subject, origin: c.origin })),
    keys: m.keys.map((k) => ({ spki: k.key.spkiSha256, algorithm: k.key.algorithm, pkcs8: Buffer.from(k.key.pkcs8Der).toString('hex'), origin: k.origin })),
    skipped: m.skipped,
    containers: m.containers,
  }
}

describe('reading import files in a child process', () => {
  it('reads an openssl PKCS#12 in the child to the same certificates and key as in this process', async () => {
    const opts = { password: PW, sourceName: 'leaf.p12' }
    const inChild = await forkedImportParser({ workerPath: WORKER_JS })(p12, opts)
    const here = await parseImportInput(p12, opts)
    expect(summary(inChild)).toEqual(summary(here))
    expect(inChild.certificates.map((c) => c.cert.fingerprintSha256)).toEqual([pki.leafRsa.fingerprint, pki.inter.fingerprint])
    expect(inChild.keys[0]?.key.spkiSha256).toBe(inChild.certificates[0]?.cert.spkiSha256)
  })

  it.each([
    ['a wrong password', () => p12, 'not the password'],
    ['no password for a PKCS#12', () => p12, undefined],
    ['garbage bytes', () => Buffer.from([0x30, 0x82, 0xff, 0xff, 1, 2, 3]), PW],
    ['text that is no certificate', () => Buffer.from('hello, this is not a certificate\n'), PW],
  ] as const)('answers %s with the same typed error as in this process', async (_name, make, password) => {
    const opts = { sourceName: 'upload.bin', ...(password !== undefined ? { password } : {}) }
    const inChild = await refusal(forkedImportParser({ workerPath: WORKER_JS })(make(), opts))
    const here = await refusal(parseImportInput(make(), opts))
    expect(inChild.toInfo()).toEqual(here.toInfo())
  })

  it('kills a child that runs past its time limit and answers a timeout error once the child is gone', async () => {
    const pids: number[] = []
    const parse = forkedImportParser({ workerPath: WORKER_JS, timeoutMs: TOO_SHORT_MS, onSpawn: (pid) => pids.push(pid) })
    const e = await refusal(parse(p12, { password: PW, sourceName: 'leaf.p12' }))
    expect(e.code).toBe('timeout')
    expect(e.message).toMatch(/Reading leaf\.p12 took longer than .* CertDesk stopped it/)
    expect(e.message).toMatch(/Nothing was imported/)
    expect(pids).toHaveLength(1)
    expect(gone(pids[0] ?? 0)).toBe(true)
  })

  it('leaves no child behind after a successful parse', async () => {
    const pids: number[] = []
    await forkedImportParser({ workerPath: WORKER_JS, onSpawn: (pid) => pids.push(pid) })(Buffer.from(pki.root.pem), {})
    expect(pids).toHaveLength(1)
    expect(gone(pids[0] ?? 0)).toBe(true)
  })

  it('answers a typed error, and leaves no process, when the reader dies before answering', async () => {
    const crashing = join(tempDir(), 'crashing-reader.js')
    writeFileSync(crashing, "process.on('message', () => process.abort())\n")
    const pids: number[] = []
    const e = await refusal(forkedImportParser({ workerPath: crashing, onSpawn: (pid) => pids.push(pid) })(p12, { password: PW, sourceName: 'leaf.p12' }))
    expect(e.code).toBe('bad_format')
    expect(e.message).toMatch(/file reader stopped while reading leaf\.p12 \(signal SIGABRT\).*Nothing was imported/)
    expect(gone(pids[0] ?? 0)).toBe(true)
  })

  it('imports through a core that reads files in a child: the certificates and key are stored, and nothing on error', async () => {
    const dataDir = tempDir()
    core = createCore({ dataDir, credentials: new MemoryCredentialStore(), trustStore: createTrustStore([pki.root.der], ['test']), importParser: forkedImportParser({ workerPath: WORKER_JS }) })
    const count = (t: string): number => ((core?.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n)

    const refused = await refusal(core.certs.importFromBytes(p12, { actor: 'ui', password: 'wrong', sourceName: 'leaf.p12' }))
    expect(refused.code).toBe('wrong_password')
    expect([count('certificates'), count('keys'), count('events')]).toEqual([0, 0, 0])

    const report = await core.certs.importFromBytes(p12, { actor: 'ui', password: PW, sourceName: 'leaf.p12' })
    expect(report.certificates.map((c) => [c.fingerprintSha256, c.status])).toEqual([
      [pki.leafRsa.fingerprint, 'added'],
      [pki.inter.fingerprint, 'added'],
    ])
    expect(report.keys.map((k) => k.status)).toEqual(['added'])
    expect(report.certificates[0]?.keyId).toBe(report.keys[0]?.id)
    expect(report.chains[0]?.status).toBe('trusted')
    expect([count('certificates'), count('keys')]).toEqual([2, 1])
  })
})
