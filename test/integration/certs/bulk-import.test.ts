import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/core/api/dispatch'
import { MAX_IMPORT_BYTES } from '../../../src-main/core/pki/formats/limits'
import { type Core, createCore } from '../../../src-main/core/core'
import type { ImportJobSummary } from '../../../src-main/core/certs/import-job'
import { createTrustStore } from '../../../src-main/core/pki/chain/trust-store'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { forkedImportParser, forkedReaderSession } from '../../../src-main/parse-worker/node-host'
import { MAX_FILES_PER_READER } from '../../../src-main/parse-worker/parse-in-child'
import { chainsPem, type Estate, estateBundlePem, makeEstate, writeEstate } from '../../fixtures/estate/make-estate'
import { makeTestPki, openssl, type TestPki } from '../../fixtures/certs/pki-fixtures'
import { refusal } from '../../fixtures/certs/refusal'
import { gone } from '../../helpers/processes'
import { useTempDirs } from '../../helpers/temp-dir'

const WORKER_JS = join(__dirname, '../../../out/main/parse-worker.js')
const PW = 'Bulk-Import 42'

const tempDir = useTempDirs()
let estate: Estate
let pki: TestPki
let core: Core | null = null
const pids: number[] = []

beforeAll(async () => {
  if (!existsSync(WORKER_JS)) throw new Error(`${WORKER_JS} is missing: run \`npm run build\` before this suite.`)
  estate = await makeEstate({ certificates: 400, domains: 25, seed: 7 })
  pki = await makeTestPki()
}, 120_000)

afterEach(async () => {
  await core?.shutdown()
  core = null
  pids.length = 0
})

/** A core reading files with the built parse-worker: one child per single import, a session per bulk import. */
function isolatedCore(dataDir = tempDir(), roots: Uint8Array[] = []): Core {
  core = createCore({
    dataDir,
    credentials: new MemoryCredentialStore(),
    trustStore: createTrustStore(roots, ['test']),
    importParser: forkedImportParser({ workerPath: WORKER_JS, onSpawn: (pid) => pids.push(pid) }),
    openImportReader: () => forkedReaderSession({ workerPath: WORKER_JS, onSpawn: (pid) => pids.push(pid) }),
  })
  return core
}

/** Runs a CLI-style job over `paths` to its end. */
async function importPaths(c: Core, paths: string[], password?: string): Promise<ImportJobSummary> {
  const { jobId } = c.certs.imports.begin({ actor: 'cli', ...(password ? { password } : {}) })
  await c.certs.imports.addPaths(jobId, paths)
  for (let st = await c.certs.imports.process(jobId); st.files.queued > 0; st = await c.certs.imports.process(jobId)) {
    expect(st.files.done).toBeGreaterThan(0)
  }
  return c.certs.imports.finish(jobId)
}

describe('bulk onboarding', () => {
  it('imports a folder of files, then finds every certificate of the same estate in one bundle a duplicate', async () => {
    const dir = tempDir()
    const { bundle, folder } = writeEstate(estate, dir)
    const c = isolatedCore()
    const fromFolder = await importPaths(c, [folder])
    const files = estate.domains.length + 1
    expect(fromFolder.files).toEqual({ queued: 0, done: expect.any(Number) as number, imported: expect.any(Number) as number, refused: 0, skipped: 0 })
    expect(fromFolder.files.imported).toBe(fromFolder.files.done)
    expect(fromFolder.files.done).toBe(estate.leaves.length + 1)
    expect(fromFolder.totals).toMatchObject({ certificatesAdded: estate.leaves.length + 2 * estate.cas.length, certificatesPresent: 0, incompleteChains: expect.any(Number) as number })
    expect(files).toBeGreaterThan(1)
    // One reader child for all files (not one per file), and none left once the job is finished.
    expect(pids.length).toBe(Math.ceil((estate.leaves.length + 1) / MAX_FILES_PER_READER))
    for (const pid of pids) expect(gone(pid)).toBe(true)

    const again = await importPaths(c, [bundle])
    expect(again.totals).toMatchObject({ certificatesAdded: 0, certificatesPresent: estate.leaves.length + 2 * estate.cas.length })
    const page = c.certs.query({ roles: ['leaf'], limit: 0 })
    expect(page.total).toBe(estate.leaves.length)
  })

  it('counts the chains a later import completes, and the leaves still without an issuer', async () => {
    const dir = tempDir()
    const leavesOnly = join(dir, 'leaves.pem')
    writeFileSync(leavesOnly, estate.leaves.map((l) => l.pem).join(''))
    const chains = join(dir, 'chains.pem')
    writeFileSync(chains, chainsPem(estate))
    const c = isolatedCore(tempDir(), estate.cas.map((ca) => ca.root.der))
    const first = await importPaths(c, [leavesOnly])
    expect(first.totals).toMatchObject({ certificatesAdded: estate.leaves.length, chainsCompleted: 0, incompleteChains: estate.leaves.length })
    expect(c.certs.query({ roles: ['leaf'], incompleteChain: true, limit: 0 }).total).toBe(estate.leaves.length)
    const second = await importPaths(c, [chains])
    expect(second.totals).toMatchObject({ certificatesAdded: 2 * estate.cas.length, chainsCompleted: estate.leaves.length })
    expect(c.certs.query({ roles: ['leaf'], incompleteChain: true, limit: 0 }).total).toBe(0)
  })

  it('refuses each bad file with its reason, skips what is no certificate file in a folder, and imports the rest', async () => {
    const dir = join(tempDir(), 'delivery')
    mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true })
    const leaf = estate.leaves[0]
    const other = estate.leaves[1]
    if (!leaf || !other) throw new Error('estate too small')
    writeFileSync(join(dir, 'good.crt'), leaf.pem)
    writeFileSync(join(dir, 'nested', 'deeper', 'also-good.pem'), other.pem)
    writeFileSync(join(dir, 'cut.pem'), leaf.pem.slice(0, leaf.pem.length - 40))
    writeFileSync(join(dir, 'readme.txt'), 'Install the certificate with its chain.\n')
    writeFileSync(join(dir, '.hidden.crt'), 'not even looked at')
    const p12 = join(dir, 'server.pfx')
    openssl(['pkcs12', '-export', '-inkey', pki.file('k.pem', pki.leafEc.keyPem), '-in', pki.file('c.pem', pki.leafEc.pem), '-passout', `pass:${PW}`, '-out', p12])
    const c = isolatedCore()

    const s = await importPaths(c, [dir])
    expect(s.files).toEqual({ queued: 0, done: 5, imported: 2, refused: 2, skipped: 1 })
    expect(s.refused.map((r) => [r.file.slice(dir.length + 1), r.code, r.passwordRequired])).toEqual([
      ['cut.pem', 'bad_format', undefined],
      // The summary says which files only need a password, as each file's own outcome does.
      ['server.pfx', 'wrong_password', true],
    ])
    expect(s.refused[0]?.reason).toMatch(/cut\.pem/)
    expect(s.skippedFiles).toEqual([{ file: join(dir, 'readme.txt'), reason: 'not a certificate or key file' }])
    expect(s.totals.certificatesAdded).toBe(2)

    // With the job's password the PKCS#12 opens: key and certificate, matched.
    const withPassword = await importPaths(c, [p12], PW)
    expect(withPassword.totals).toMatchObject({ certificatesAdded: 1, keysAdded: 1, keysMatched: 1 })
    expect(withPassword.files.refused).toBe(0)
  })

  it('keeps a file all or nothing: a bundle with one damaged block adds none of its certificates', async () => {
    const dir = tempDir()
    const good = estate.leaves.slice(0, 50).map((l) => l.pem)
    good.splice(25, 0, '-----BEGIN CERTIFICATE-----\nMIIB!!!!\n-----END CERTIFICATE-----\n')
    writeFileSync(join(dir, 'bundle.pem'), good.join(''))
    const c = isolatedCore()
    const s = await importPaths(c, [join(dir, 'bundle.pem')])
    expect(s.files.refused).toBe(1)
    expect(s.refused[0]?.reason).toMatch(/block 26/)
    expect(c.certs.query({ limit: 0 }).total).toBe(0)
  })

  it('takes a file larger than one request in parts through the contract, as the UI sends a dropped bundle', async () => {
    const c = isolatedCore()
    // Explanatory text between PEM blocks is allowed (RFC 7468); it makes the bundle larger than one request.
    const filler = `${'# exported from the old load balancer, keep for the audit trail\n'.repeat(Math.ceil((MAX_IMPORT_BYTES * 1.5) / 64))}`
    const bytes = Buffer.from(filler + estateBundlePem(estate), 'utf8')
    expect(bytes.length).toBeGreaterThan(MAX_IMPORT_BYTES)
    const ctx = { core: c, actor: 'web' as const, frontDoor: 'web' as const, version: 'test' }
    const call = async (method: string, input: unknown): Promise<unknown> => {
      const r = await dispatch(ctx, method, input)
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`)
      return r.value
    }
    const { jobId } = (await call('imports.begin', {})) as { jobId: string }
    const count = Math.ceil(bytes.length / MAX_IMPORT_BYTES)
    const answers: unknown[] = []
    for (let index = 0; index < count; index++) {
      const part = bytes.subarray(index * MAX_IMPORT_BYTES, (index + 1) * MAX_IMPORT_BYTES)
      answers.push(await call('imports.addFile', { jobId, fileName: 'estate.pem', base64: part.toString('base64'), part: { index, count } }))
    }
    expect(answers.slice(0, -1)).toEqual(Array.from({ length: count - 1 }, (_, i) => ({ file: 'estate.pem', status: 'receiving', receivedParts: i + 1, parts: count })))
    expect(answers.at(-1)).toMatchObject({ file: 'estate.pem', status: 'imported', totals: { certificatesAdded: estate.leaves.length + 2 * estate.cas.length } })
    const status = (await call('imports.status', { jobId })) as { files: { imported: number } }
    expect(status.files.imported).toBe(1)
    const done = (await call('imports.finish', { jobId })) as ImportJobSummary
    expect(done.state).toBe('finished')
    // A web page may not name paths on this computer.
    const { jobId: other } = (await call('imports.begin', {})) as { jobId: string }
    const r = await dispatch(ctx, 'imports.addPaths', { jobId: other, paths: ['/etc'] })
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })

  it('refuses a part out of order, and a job finished or unknown', async () => {
    const c = isolatedCore()
    const { jobId } = c.certs.imports.begin({ actor: 'ui' })
    const e = await refusal(c.certs.imports.addFile(jobId, { fileName: 'x.pem', bytes: Buffer.from('abc'), part: { index: 1, count: 3 } }))
    expect(e.message).toMatch(/Part 2 of x\.pem came out of order/)
    await c.certs.imports.finish(jobId)
    expect((await refusal(c.certs.imports.process(jobId))).code).toBe('not_found')
  })
})

describe('the reader session of a bulk import', () => {
  const tempFile = (name: string, content: string): string => {
    const p = join(tempDir(), name)
    writeFileSync(p, content)
    return p
  }
  /** A stand-in reader: answers an empty parse, hangs on "HANG", dies on "CRASH" (once, or always with "CRASH!"). */
  const fakeWorker = (): string =>
    tempFile(
      'reader.cjs',
      `const fs = require('node:fs')
       const flag = process.argv[2]
       process.on('message', (m) => {
         const text = Buffer.from(m.input).toString('utf8')
         if (text === 'HANG') return
         if (text.startsWith('CRASH') && (text === 'CRASH!' || !fs.existsSync(flag))) { fs.writeFileSync(flag, 'x'); process.abort() }
         process.send({ id: m.id, ok: true, material: { certificates: [], keys: [], skipped: [{ origin: text, reason: 'read' }], containers: [] } })
       })
       process.once('disconnect', () => process.exit(0))`,
    )

  it('reads file after file in one child, and ends it on close', async () => {
    const session = forkedReaderSession({ workerPath: WORKER_JS, onSpawn: (pid) => pids.push(pid) })
    for (const l of estate.leaves.slice(0, 20)) {
      const m = await session.parse(Buffer.from(l.pem), { sourceName: 'x.crt' })
      expect(m.certificates[0]?.cert.fingerprintSha256).toBe(l.fingerprint)
    }
    await session.close()
    expect(pids).toHaveLength(1)
    expect(gone(pids[0] ?? 0)).toBe(true)
  })

  it('gives a file that kills the reader one more try in a fresh child, then refuses it; the next files are read', async () => {
    const worker = fakeWorker()
    const flag = join(tempDir(), 'crashed-once')
    // The crash of a used child is retried: the second try, in a fresh child, reads the file.
    const { readerSession } = await import('../../../src-main/parse-worker/parse-in-child')
    const { fork } = await import('node:child_process')
    const started: number[] = []
    const start = (args: string[]) => () => {
      const child = fork(worker, args, { serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] })
      started.push(child.pid ?? 0)
      let exited = false
      const exits: ((how: string) => void)[] = []
      child.once('exit', (code, signal) => {
        exited = true
        for (const l of exits) l(signal ?? String(code))
      })
      return {
        pid: child.pid,
        send: (r: unknown) => void child.send(r as never),
        kill: () => void child.kill('SIGKILL'),
        onMessage: (l: (m: unknown) => void) => void child.on('message', l),
        onExit: (l: (how: string) => void) => (exited ? l('gone') : exits.push(l)),
      }
    }
    const limits = { timeoutMs: 2_000, maxOldSpaceMb: 64 }
    const once = readerSession(start([flag]), limits)
    expect((await once.parse(Buffer.from('first'), {})).skipped[0]?.origin).toBe('first')
    expect((await once.parse(Buffer.from('CRASH'), {})).skipped[0]?.origin).toBe('CRASH')
    await once.close()
    expect(started).toHaveLength(2)

    started.length = 0
    const always = readerSession(start([join(tempDir(), 'unused')]), limits)
    await always.parse(Buffer.from('first'), {})
    const e = await refusal(always.parse(Buffer.from('CRASH!'), { sourceName: 'evil.pem' }))
    expect(e.message).toMatch(/file reader stopped while reading evil\.pem/)
    expect((await always.parse(Buffer.from('after'), {})).skipped[0]?.origin).toBe('after')
    await always.close()
    expect(started).toHaveLength(3)
    for (const pid of started) expect(gone(pid)).toBe(true)

    started.length = 0
    const slow = readerSession(start([join(tempDir(), 'unused')]), { timeoutMs: 300, maxOldSpaceMb: 64 })
    const t = await refusal(slow.parse(Buffer.from('HANG'), { sourceName: 'slow.p12' }))
    expect(t.code).toBe('timeout')
    expect((await slow.parse(Buffer.from('after'), {})).skipped[0]?.origin).toBe('after')
    await slow.close()
    expect(started).toHaveLength(2)
    for (const pid of started) expect(gone(pid)).toBe(true)
  })

  it('replaces its child after MAX_FILES_PER_READER files', async () => {
    const session = forkedReaderSession({ workerPath: WORKER_JS, onSpawn: (pid) => pids.push(pid) })
    const pem = Buffer.from(readFileSync(pki.file('root.pem', pki.root.pem)))
    for (let i = 0; i <= MAX_FILES_PER_READER; i++) await session.parse(pem, {})
    await session.close()
    expect(pids).toHaveLength(2)
  })
})
