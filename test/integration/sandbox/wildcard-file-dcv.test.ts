import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src-main/core/log/logger'
import { SectigoClient } from '../../../src-main/core/sectigo/client'
import { SectigoError } from '../../../src-main/core/sectigo/errors'
import { rejection } from '../../helpers/caught'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { CREDS, makeCsr, orderNumberOf, RawApi, removeTempDirs, tempDir } from './helpers'

async function refusal(p: Promise<unknown>): Promise<SectigoError> {
  const e = await rejection(p)
  if (e instanceof SectigoError) return e
  throw e
}

describe('Sandbox CA: no file validation for the names of a wildcard certificate', () => {
  let sandbox: SandboxHandle
  let api: RawApi
  let client: SectigoClient
  let dir: string
  let orderNumber: string

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 7117 })
    api = new RawApi(sandbox.url)
    client = new SectigoClient({ baseUrl: sandbox.url, ...CREDS, logger: createLogger({ sink: () => undefined }) })
    dir = tempDir()
    const wild = await makeCsr(dir, { cn: '*.files.example.com' })
    orderNumber = orderNumberOf(
      (await api.call('!AutoApplySSL', { product: '289', days: '365', serverSoftware: '-1', csr: wild.pem, dcvMethod: 'CNAME_CSR_HASH' })).text,
    )
  })
  afterAll(async () => {
    await client.close()
    await sandbox.close()
    removeTempDirs()
  })

  it('answers -4 on newMethod when AutoUpdateDCV asks HTTP for the base name of a wildcard order', async () => {
    for (const newMethod of ['HTTP_CSR_HASH', 'HTTPS_CSR_HASH']) {
      for (const domainName of ['files.example.com', '*.files.example.com']) {
        const r = await api.form('!AutoUpdateDCV', { orderNumber, domainName, newMethod })
        expect([r.get('errorCode'), r.get('errorItem'), r.get('errorMessage')]).toEqual(['-4', 'newMethod', "The value of the 'newMethod' argument is invalid!"])
      }
      const single = await api.form('!AutoUpdateDCV', { orderNumber, newMethod })
      expect([single.get('errorCode'), single.get('errorItem')]).toEqual(['-4', 'newMethod'])
    }
    const batch = await api.form('!AutoUpdateDCV', { orderNumber, domainNames: 'files.example.com', newMethods: 'HTTP_CSR_HASH' })
    expect([batch.get('errorCode'), batch.get('errorItem')]).toEqual(['-4', 'newMethods'])
    expect(sandbox.control.getOrder(orderNumber).domains).toMatchObject([{ domain: '*.files.example.com', method: 'CNAME_CSR_HASH' }])
  })

  it('still lets the base name switch to CNAME', async () => {
    expect((await api.call('!AutoUpdateDCV', { orderNumber, domainName: 'files.example.com', newMethod: 'CNAME_CSR_HASH' })).text).toBe('errorCode=0')
  })

  it("the core client says why Sectigo refused, naming the name and what to use instead", async () => {
    const e = await refusal(client.autoUpdateDcv({ orderNumber, change: { domainName: 'files.example.com', newMethod: 'HTTP_CSR_HASH' } }))
    expect([e.sectigoCode, e.errorItem, e.errorClass]).toEqual([-4, 'newMethod', 'permanent'])
    expect(e.message).toContain('Sectigo refused file (HTTP/HTTPS) validation for files.example.com')
    expect(e.message).toContain('no name of a wildcard certificate by file')
    expect(e.message).toContain('use CNAME_CSR_HASH or EMAIL')
    expect(e.message).toContain(`Sectigo said: "The value of the 'newMethod' argument is invalid!" (code -4)`)

    const batch = await refusal(client.autoUpdateDcv({ orderNumber, changes: [{ domainName: 'files.example.com', newMethod: 'HTTPS_CSR_HASH' }] }))
    expect(batch.errorItem).toBe('newMethods')
    expect(batch.message).toContain('refused file (HTTP/HTTPS) validation for files.example.com')
  })

  it('keeps the general message for a -4 that is not about a file method', async () => {
    const e = await refusal(client.autoUpdateDcv({ orderNumber, change: { domainName: 'other.example.org', newMethod: 'CNAME_CSR_HASH' } }))
    expect([e.sectigoCode, e.errorItem]).toEqual([-4, 'domainName'])
    expect(e.message).not.toContain('wildcard')
  })
})
