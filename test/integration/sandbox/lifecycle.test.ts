import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { control, makeCsr, openssl, orderNumberOf, RawApi, removeTempDirs, tempDir, writeFile, type TestCsr } from './helpers'

describe('Sandbox CA order lifecycle: reissue, revoke, reject, being issued', () => {
  let sandbox: SandboxHandle
  let api: RawApi
  let dir: string
  let csr: TestCsr

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 5005 })
    api = new RawApi(sandbox.url)
    dir = tempDir()
    csr = await makeCsr(dir, { cn: 'life.example.com' })
  })
  afterAll(async () => {
    await sandbox.close()
    removeTempDirs()
  })

  async function issuedOrder(): Promise<{ orderNumber: string; certificateID: string }> {
    const r = await api.lines('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem, showCertificateID: 'Y' })
    const orderNumber = orderNumberOf(r.join('\n'))
    await sandbox.control.approveDcv(orderNumber)
    return { orderNumber, certificateID: r[4] ?? '' }
  }

  async function serialOf(params: Record<string, string>): Promise<string> {
    const f = await api.form('download/CollectSSL', { ...params, queryType: '2', responseFormat: '1' })
    expect(f.get('errorCode')).toBe('2')
    const p = writeFile(dir, `c${Date.now()}${Math.random()}.der`, Buffer.from(f.get('certificate') ?? '', 'base64'))
    return (await openssl(['x509', '-inform', 'DER', '-in', p, '-noout', '-serial'])).trim().replace('serial=', '')
  }

  it('reissues under the same order number with a new certificate ID, keeping DCV for the same key', async () => {
    const { orderNumber, certificateID } = await issuedOrder()
    expect(certificateID).toMatch(/^[1-9]\d{7}$/)
    const firstSerial = await serialOf({ orderNumber })

    const same = await api.form('!AutoReplaceSSL', { orderNumber, csr: csr.pem, responseFormat: '1' })
    expect(same.get('errorCode')).toBe('0')
    expect(same.get('orderNumber')).toBe(orderNumber)
    const secondId = same.get('certificateID') ?? ''
    expect(secondId).toMatch(/^[1-9]\d{7}$/)
    expect(secondId).not.toBe(certificateID)
    expect(sandbox.control.getOrder(orderNumber).state).toBe('issued')
    const secondSerial = await serialOf({ orderNumber })
    expect(secondSerial).not.toBe(firstSerial)
    expect(await serialOf({ certificateID })).toBe(firstSerial)

    const report = await api.form('!WebHostReport', { orderNumber, showOldItems: 'Y', showCertificateID: 'Y' })
    expect([report.get('1_1_certificateID'), report.get('1_1_certificateStatusCode')]).toEqual([secondId, '6'])
    expect([report.get('1_2_certificateID'), report.get('1_2_certificateStatusCode')]).toEqual([certificateID, '14'])

    const newKey = await makeCsr(dir, { cn: 'life.example.com' })
    const rekey = await api.lines('!AutoReplaceSSL', { orderNumber, csr: newKey.pem })
    expect(rekey.slice(0, 3)).toEqual(['0', orderNumber, '0.00'])
    expect(sandbox.control.getOrder(orderNumber).state).toBe('awaiting_validation')
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('0')
    expect(await serialOf({ certificateID: secondId })).toBe(secondSerial)
    await sandbox.control.approveDcv(orderNumber)
    const third = await api.form('download/CollectSSL', { orderNumber, queryType: '2', responseFormat: '1' })
    const p = writeFile(dir, 'rekeyed.der', Buffer.from(third.get('certificate') ?? '', 'base64'))
    expect(await openssl(['x509', '-inform', 'DER', '-in', p, '-pubkey', '-noout'])).toBe(await openssl(['req', '-in', newKey.csrPath, '-pubkey', '-noout']))
  })

  it('revokes an issued order; CollectSSL then answers -21, as does a second revoke', async () => {
    const { orderNumber } = await issuedOrder()
    const dry = await api.call('!AutoRevokeSSL', { orderNumber, revocationReason: 'just checking', test: 'Y' })
    expect(dry.text).toBe('0\n')
    expect(sandbox.control.getOrder(orderNumber).state).toBe('issued')
    expect((await api.call('!AutoRevokeSSL', { orderNumber, revocationReason: 'key lost', codeReason: '1', responseFormat: '1' })).text).toBe('errorCode=0')
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '1' })).slice(0, 2)).toEqual(['-21', 'The certificate has already been revoked!'])
    expect((await api.form('!AutoRevokeSSL', { orderNumber, revocationReason: 'again', responseFormat: '1' })).get('errorCode')).toBe('-21')
    expect((await api.form('!AutoReplaceSSL', { orderNumber, csr: csr.pem, responseFormat: '1' })).get('errorCode')).toBe('-21')
    expect((await api.form('!AutoRevokeSSL', { orderNumber, revocationReason: 'x', codeReason: '2', responseFormat: '1' })).get('errorItem')).toBe('codeReason')
  })

  it('revokes only an older certificate when named by serial number', async () => {
    const { orderNumber, certificateID } = await issuedOrder()
    const oldSerial = await serialOf({ certificateID })
    await api.call('!AutoReplaceSSL', { orderNumber, csr: csr.pem })
    expect((await api.call('!AutoRevokeSSL', { serialNumber: oldSerial.toLowerCase(), revocationReason: 'superseded', codeReason: '4' })).text).toBe('0\n')
    expect(sandbox.control.getOrder(orderNumber).state).toBe('issued')
    expect((await api.lines('download/CollectSSL', { certificateID, queryType: '2' }))[0]).toBe('-21')
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('1')
  })

  it('rejects an unissued order on AutoRevokeSSL; CollectSSL then answers -20', async () => {
    const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem })).text)
    expect((await api.call('!AutoRevokeSSL', { orderNumber, revocationReason: 'changed my mind' })).text).toBe('0\n')
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' })).slice(0, 2)).toEqual(['-20', 'The order has already been rejected or cancelled!'])
    expect((await api.form('download/CollectSSL', { orderNumber, queryType: '0', responseFormat: '1' })).get('errorCode')).toBe('-20')
    expect((await api.lines('!AutoRevokeSSL', { orderNumber, revocationReason: 'again' }))[0]).toBe('-20')
    expect((await api.form('!AutoUpdateDCV', { orderNumber, newMethod: 'CNAME_CSR_HASH' })).get('errorCode')).toBe('-20')
    const report = await api.form('!WebHostReport', { orderNumber })
    expect([report.get('1_orderStatus'), report.get('1_1_certificateStatusCode'), report.get('1_1_certificateStatusDesc')]).toEqual(['Rejected', '7', 'Rejected: changed my mind'])
  })

  it('lets the CA reject a pending order through the control API', async () => {
    const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem })).text)
    const r = await control(sandbox, 'POST', `orders/${orderNumber}/reject`, { reason: 'CAA forbids issuance' })
    expect((r.json as { state: string }).state).toBe('rejected')
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('-20')
    expect((await control(sandbox, 'POST', `orders/${orderNumber}/reject`, {})).status).toBe(409)
    expect((await control(sandbox, 'POST', 'orders/1234567890/reject', {})).status).toBe(404)
  })

  it('answers -26 while the certificate is being issued', async () => {
    const slow = await startSandbox({ seed: 5006, issuance: { issuingPolls: 2 } })
    try {
      const slowApi = new RawApi(slow.url)
      const orderNumber = orderNumberOf((await slowApi.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem })).text)
      await slow.control.approveDcv(orderNumber)
      expect(slow.control.getOrder(orderNumber).state).toBe('issuing')
      expect((await slowApi.lines('!AutoRevokeSSL', { orderNumber, revocationReason: 'stop' }))[0]).toBe('-26')
      expect((await slowApi.lines('!AutoRevokeSSL', { orderNumber }))[0]).toBe('-23')
      expect((await slowApi.lines('download/CollectSSL', { orderNumber, queryType: '0' })).slice(0, 2)).toEqual(['-26', 'The certificate is currently being issued!'])
      expect((await slowApi.form('download/CollectSSL', { orderNumber, queryType: '0', responseFormat: '1' })).get('errorCode')).toBe('-26')
      expect((await slowApi.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('1')
    } finally {
      await slow.close()
    }
  })
})
