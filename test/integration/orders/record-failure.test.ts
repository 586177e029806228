import { afterEach, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../../src-main/core/core'
import { dispatch } from '../../../src-main/core/api/dispatch'
import { createLogger } from '../../../src-main/core/log/logger'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { mountSmallFs, smallFsAvailable, type SmallFs } from '../../helpers/small-fs'
import { launcherFor, newCsr, sandboxAccount, testCredentials } from './helpers'

describe.skipIf(!smallFsAvailable)('the disk fills while AutoApplySSL is in flight (a real full tmpfs)', () => {
  let fs: SmallFs
  let sandbox: SandboxHandle
  let core: Core | null = null
  /** The Sandbox's latency fault runs this while the request is at the CA: the disk fills then. */
  let whileAtTheCa: () => void = () => undefined

  const open = (): Core => {
    core = createCore({ dataDir: fs.dir, credentials, logger: createLogger({ sink: () => undefined }), sandbox: launcherFor(sandbox) })
    return core
  }
  const credentials = testCredentials()

  afterEach(async () => {
    await core?.shutdown()
    core = null
    await sandbox.close()
    fs.unmount()
  })

  async function placeWhileTheDiskFills(): Promise<{ orderId: string; ref: string; message: string; code: string }> {
    fs = mountSmallFs()
    sandbox = await startSandbox({ seed: 77, delay: () => Promise.resolve(whileAtTheCa()) })
    const c = open()
    const accountId = await sandboxAccount(c)
    const csrId = await newCsr(c, 'full.example.com')
    const draft = await c.orders.place({ accountId, productCode: 287, days: 90, csr: { csrId }, dcvMethod: 'HTTP_CSR_HASH', submit: false }, 'cli')
    sandbox.control.setFaults({ endpoint: 'AutoApplySSL', latencyMs: 1 })
    whileAtTheCa = () => fs.fill()
    const r = await dispatch({ core: c, actor: 'web', frontDoor: 'web', version: 'test' }, 'orders.submit', { id: draft.id })
    whileAtTheCa = () => undefined
    sandbox.control.clearFaults()
    if (r.ok) throw new Error('the submit succeeded on a full disk')
    return { orderId: draft.id, ref: draft.foreignRef ?? '', message: r.error.message, code: r.error.code }
  }

  it('says the order may have been placed and that CertDesk will reconcile it, never that nothing changed', async () => {
    const { orderId, ref, message, code } = await placeWhileTheDiskFills()
    expect(message).toContain(`Order ${orderId} was sent to Sectigo (AutoApplySSL)`)
    expect(message).toContain('the disk holding its database is full')
    expect(message).toContain('may have been placed')
    expect(message).toContain('reconcile')
    expect(message).not.toMatch(/nothing (was|has been) (changed|ordered|bought)/i)
    expect(code).toBe('io_error')
    expect(sandbox.control.countByForeignOrderNumber()[ref]).toBe(1)
  })

  it('the same running CertDesk settles it on its next scheduler round once there is space again, without sending it twice', async () => {
    const { orderId, ref } = await placeWhileTheDiskFills()
    fs.free()
    const c = core as Core
    expect(c.orders.get(orderId).state).toBe('submitting')
    await c.scheduler.tick()
    const o = c.orders.get(orderId)
    expect(o.state).toBe('placed')
    expect(o.sectigoOrderNumber).toBe(sandbox.control.listOrders({ foreignOrderNumber: ref })[0]?.orderNumber)
    expect(sandbox.control.countByForeignOrderNumber()[ref]).toBe(1)
  })

  it('the next CertDesk to start settles it, without sending it twice', async () => {
    const { orderId, ref } = await placeWhileTheDiskFills()
    fs.free()
    await (core as Core).shutdown()
    const next = open()
    await next.scheduler.start()
    await next.scheduler.stop()
    const o = next.orders.get(orderId)
    expect(o.state).toBe('placed')
    expect(o.sectigoOrderNumber).toBe(sandbox.control.listOrders({ foreignOrderNumber: ref })[0]?.orderNumber)
    expect(sandbox.control.countByForeignOrderNumber()[ref]).toBe(1)
  })
})
