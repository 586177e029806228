import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore } from '../../../src-main/core/core'
import type { CredentialStore } from '../../../src-main/core/secrets/credential-store'
import { BUSY_TIMEOUT_MS, closeDatabase, openDatabase, type Db } from '../../../src-main/core/store/db'
import { MIGRATIONS } from '../../../src-main/core/store/migrations'
import { LockHolder } from '../../helpers/lock-holder'
import { useTempDirs } from '../../helpers/temp-dir'
import { launcherFor, newCsr, openEnv, sandboxAccount, testCredentials, type Env } from '../orders/helpers'

const tempDir = useTempDirs()
/** Well under BUSY_TIMEOUT_MS: a writer that waits gets the lock; one that does not wait fails at once. */
const HOLD_MS = 1_500

/** The newest row another process wrote while holding the lock must be older than the path's own row. */
function expectWroteAfterHolder(db: Db, action: string): void {
  const holder = db.prepare("SELECT max(id) AS id FROM events WHERE action = 'test.lock_holder'").get() as { id: number | null }
  const own = db.prepare('SELECT max(id) AS id FROM events WHERE action = ?').get(action) as { id: number | null }
  expect(holder.id, 'the holder wrote its marker').not.toBeNull()
  expect(own.id, `${action} was recorded`).not.toBeNull()
  expect(own.id ?? 0).toBeGreaterThan(holder.id ?? 0)
}

function opensslCsr(dir: string, cn: string): string {
  const r = spawnSync('openssl', ['req', '-new', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-keyout', join(dir, `${cn}.key`), '-out', join(dir, `${cn}.csr`), '-subj', `/CN=${cn}`])
  expect(r.status).toBe(0)
  return readFileSync(join(dir, `${cn}.csr`), 'utf8')
}

function opensslCert(dir: string, cn: string): string {
  const r = spawnSync('openssl', ['req', '-x509', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-keyout', join(dir, `${cn}.key`), '-out', join(dir, `${cn}.pem`), '-subj', `/CN=${cn}`, '-days', '30'])
  expect(r.status).toBe(0)
  return readFileSync(join(dir, `${cn}.pem`), 'utf8')
}

describe('another process holding the write lock for less than the busy timeout: every write path waits and succeeds', () => {
  it('holds the lock for less than the busy timeout', () => {
    expect(HOLD_MS).toBeLessThan(BUSY_TIMEOUT_MS)
  })

  it('migrations of a new data folder', async () => {
    const file = join(tempDir(), 'certdesk.db')
    const holder = await LockHolder.start(file)
    try {
      await holder.lock(HOLD_MS)
      const db = openDatabase(file)
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      closeDatabase(db)
    } finally {
      await holder.close()
    }
  })

  it("the vault's first data key, claimed while the other process writes", async () => {
    const dir = tempDir()
    const file = join(dir, 'certdesk.db')
    closeDatabase(openDatabase(file))
    const holder = await LockHolder.start(file)
    const inner = testCredentials()
    // The lock is taken right after the candidate data key reaches the keychain, before the claim.
    const credentials: CredentialStore = {
      backend: inner.backend,
      get: (a) => inner.get(a),
      delete: (a) => inner.delete(a),
      set: async (a, s) => {
        await inner.set(a, s)
        if (a.startsWith('vault-data-key:')) await holder.lock(HOLD_MS)
      },
    }
    const core = createCore({ dataDir: dir, credentials })
    try {
      const csrId = await newCsr(core, 'first.example.com')
      expect((await core.csrs.get(csrId)).key).not.toBeNull()
      expectWroteAfterHolder(core.db, 'key.generated')
    } finally {
      await core.shutdown()
      await holder.close()
    }
  })

  it('a vault passphrase set up on a new folder', async () => {
    const dir = tempDir()
    const core = createCore({ dataDir: dir, credentials: null })
    const holder = await LockHolder.start(core.db.name)
    try {
      await holder.lock(HOLD_MS)
      await core.vault.setupPassphrase('a long enough passphrase')
      expect(await core.vault.status()).toMatchObject({ state: 'ready', mode: 'passphrase' })
    } finally {
      await core.shutdown()
      await holder.close()
    }
  })

  describe('on a folder in use (Sandbox CA on loopback)', () => {
    let e: Env
    let holder: LockHolder
    let accountId: string
    /** The Sandbox's latency fault runs this before answering: the lock is taken while the call is in flight. */
    let gate: () => Promise<void> = () => Promise.resolve()
    const gated = async <T>(endpoints: string[], run: () => Promise<T>): Promise<T> => {
      e.sandbox.control.setFaults(endpoints.map((endpoint) => ({ endpoint, latencyMs: 1 })))
      gate = () => holder.lock(HOLD_MS)
      try {
        return await run()
      } finally {
        gate = () => Promise.resolve()
        e.sandbox.control.clearFaults()
      }
    }
    const locked = async <T>(run: () => Promise<T> | T): Promise<T> => {
      await holder.lock(HOLD_MS)
      return run()
    }
    const place = async (cn: string): Promise<string> => {
      const o = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId: await newCsr(e.core, cn) }, dcvMethod: 'HTTP_CSR_HASH' }, 'cli')
      return o.id
    }
    const sandboxNumber = (id: string): string => e.sandbox.control.listOrders({ foreignOrderNumber: e.core.orders.get(id).foreignRef ?? '' })[0]?.orderNumber ?? ''

    beforeAll(async () => {
      e = await openEnv({ sandbox: { delay: () => gate() } })
      accountId = await sandboxAccount(e.core)
      await newCsr(e.core, 'vault.example.com')
      holder = await LockHolder.start(e.core.db.name)
    })
    afterAll(async () => {
      await holder.close()
      await e.close()
    })

    it('a new key and its CSR', async () => {
      await locked(() => newCsr(e.core, 'key.example.com'))
      expectWroteAfterHolder(e.core.db, 'csr.created')
    })

    it('a CSR import', async () => {
      const pem = opensslCsr(e.dir, 'imported-csr.example.com')
      await locked(() => e.core.csrs.import(pem, { actor: 'cli' }))
      expectWroteAfterHolder(e.core.db, 'csr.imported')
    })

    it('a certificate import', async () => {
      const pem = opensslCert(e.dir, 'imported-cert.example.com')
      const report = await locked(() => e.core.certs.importFromText(pem, { actor: 'cli' }))
      expect(report.certificates[0]?.status).toBe('added')
      expectWroteAfterHolder(e.core.db, 'certificate.imported')
    })

    it('adding an account', async () => {
      await locked(() => e.core.accounts.add({ label: 'second', loginName: 'sandbox', environment: 'sandbox' }, 'cli'))
      expectWroteAfterHolder(e.core.db, 'account.added')
    })

    it('an order draft', async () => {
      const csrId = await newCsr(e.core, 'draft.example.com')
      const o = await locked(() => e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId }, dcvMethod: 'HTTP_CSR_HASH', submit: false }, 'cli'))
      expect(o.state).toBe('draft')
    })

    it('recording the answer to AutoApplySSL', async () => {
      const csrId = await newCsr(e.core, 'submit.example.com')
      const draft = await e.core.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId }, dcvMethod: 'HTTP_CSR_HASH', submit: false }, 'cli')
      const o = await gated(['AutoApplySSL'], () => e.core.orders.submit(draft.id, { actor: 'cli' }))
      expect(o.state).toBe('placed')
      expect(o.sectigoOrderNumber).toBe(sandboxNumber(o.id))
    })

    it('a status poll that applies domain details while validation is pending', async () => {
      const id = await place('pending.example.com')
      const r = await gated(['CollectSSL', 'GetMDCDomainDetails'], () => e.core.orders.poll(id, { actor: 'cli', force: true }))
      expect(r.outcome).toBe('pending')
      expect(e.core.orders.get(id).state).toBe('awaiting_validation')
    })

    it('collecting an issued order, which marks its domains validated and stores the certificate', async () => {
      const id = await place('collect.example.com')
      await e.sandbox.control.approveDcv(sandboxNumber(id))
      const r = await gated(['CollectSSL'], () => e.core.orders.poll(id, { actor: 'cli', force: true }))
      expect(r.outcome).toBe('collected')
      const o = e.core.orders.get(id)
      expect(o.state).toBe('collected')
      expect(o.dcv.map((d) => d.status)).toEqual(['validated'])
    })

    it('a sync that brings in an order CertDesk did not know', async () => {
      // An order placed on the same Sandbox account by another installation.
      const other = createCore({ dataDir: tempDir(), credentials: testCredentials(), sandbox: launcherFor(e.sandbox) })
      try {
        await other.orders.place({ accountId: await sandboxAccount(other), productCode: 287, days: 90, csr: { csrId: await newCsr(other, 'elsewhere.example.com') }, dcvMethod: 'HTTP_CSR_HASH' }, 'cli')
      } finally {
        await other.shutdown()
      }
      const report = await gated(['WebHostReport'], () => e.core.orders.sync(accountId, 'cli'))
      expect(report.error).toBeNull()
      expect(report.imported).toHaveLength(1)
      expectWroteAfterHolder(e.core.db, 'order.synced')
    })

    it('deleting a CSR', async () => {
      const csrId = await newCsr(e.core, 'delete.example.com')
      await locked(() => e.core.deletion.deleteCsr(csrId, 'cli'))
      expectWroteAfterHolder(e.core.db, 'csr.deleted')
    })
  })
})
