import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { control, makeCsr, openssl, orderNumberOf, RawApi, removeTempDirs, tempDir, writeFile } from './helpers'

describe('Sandbox CA OV and EV validation steps', () => {
  let sandbox: SandboxHandle
  let api: RawApi
  let dir: string

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 4004 })
    api = new RawApi(sandbox.url)
    dir = tempDir()
  })
  afterAll(async () => {
    await sandbox.close()
    removeTempDirs()
  })

  async function leafText(orderNumber: string): Promise<string> {
    const f = await api.form('download/CollectSSL', { orderNumber, queryType: '2', responseFormat: '1' })
    expect(f.get('errorCode')).toBe('2')
    const path = writeFile(dir, `${orderNumber}.der`, Buffer.from(f.get('certificate') ?? '', 'base64'))
    return openssl(['x509', '-inform', 'DER', '-in', path, '-noout', '-text'])
  }

  it('waits for organisation validation and the callback, advanced through the control API', async () => {
    const csr = await makeCsr(dir, { subject: '/C=GB/O=Example Ltd/L=London/CN=ov.example.com' })
    const orderNumber = orderNumberOf(
      (await api.call('!AutoApplySSL', { product: '7', days: '365', serverSoftware: '-1', csr: csr.pem, stateOrProvinceName: 'Greater London' })).text,
    )
    await sandbox.control.approveDcv(orderNumber)
    const status = await api.form('download/CollectSSL', { orderNumber, queryType: '0', responseFormat: '1', showStatusDetails: 'Y', showExtStatus: 'Y' })
    expect(status.get('errorCode')).toBe('0')
    expect(status.get('dcvStatus')).toBe('1')
    expect(status.get('ovCallBackStatus')).toBe('2')
    expect(status.get('organizationValidationStatus')).toBe('2')
    expect(status.has('evClickThroughStatus')).toBe(false)
    expect(status.get('validationStatus')).toBe('Awaiting Organization Validation')

    const badTime = await api.form('!UpdateUserOvCallback', { orderNumber, action: 'ScheduledCallback', preferredTimeUTC: 'tomorrow at noon' })
    expect([badTime.get('errorCode'), badTime.get('errorItem')]).toEqual(['-4', 'preferredTimeUTC'])
    const noPhone = await api.form('!UpdateUserOvCallback', { orderNumber, action: 'ReplacePhone' })
    expect([noPhone.get('errorCode'), noPhone.get('errorItem')]).toEqual(['-3', 'phoneNumber'])
    expect((await api.call('!UpdateUserOvCallback', { orderNumber, action: 'ScheduledCallback', preferredTimeUTC: '2026-12-01 13:30' })).text).toBe('errorCode=0')
    expect((await api.call('!UpdateUserOvCallback', { orderNumber, action: 'replaceEmailAddress', emailAddress: 'it@example.com' })).text).toBe('errorCode=0')

    const advanced = await control(sandbox, 'POST', `orders/${orderNumber}/advance`, { step: 'organization-validation' })
    expect((advanced.json as { state: string }).state).toBe('awaiting_validation')
    expect((await api.lines('download/CollectSSL', { orderNumber, queryType: '0' }))[0]).toBe('0')
    const again = await control(sandbox, 'POST', `orders/${orderNumber}/advance?step=organization-validation`)
    expect(again.status).toBe(409)
    await control(sandbox, 'POST', `orders/${orderNumber}/advance?step=ov-callback`)
    const text = await leafText(orderNumber)
    expect(text).toContain('Policy: 2.23.140.1.2.2')
    expect(text).toMatch(/Subject: C ?= ?GB, ST ?= ?Greater London, L ?= ?London, O ?= ?Example Ltd, CN ?= ?ov.example.com/)
  })

  it('needs an organisation and a valid country for OV', async () => {
    const bare = await makeCsr(dir, { cn: 'noorg.example.com' })
    const noOrg = await api.form('!AutoApplySSL', { product: '316', days: '365', serverSoftware: '-1', csr: bare.pem, responseFormat: '1' })
    expect([noOrg.get('errorCode'), noOrg.get('errorItem')]).toEqual(['-3', 'organizationName'])
    const badCountry = await api.form('!AutoApplySSL', { product: '316', days: '365', serverSoftware: '-1', csr: bare.pem, organizationName: 'X', countryName: 'XX', responseFormat: '1' })
    expect(badCountry.get('errorCode')).toBe('-7')
    expect(badCountry.get('errorMessage')).toBe("'XX' is not a valid ISO-3166 country!")
    expect((await api.lines('!AutoApplySSL', { product: '316', days: '365', serverSoftware: '-1', csr: bare.pem, organizationName: 'X', countryName: 'ZZ' })).slice(0, 2)).toEqual([
      '-7',
      "'ZZ' is not a valid ISO-3166 country!",
    ])
  })

  it('waits for the EV click-through and reports UpdateUserEvClickThrough statuses', async () => {
    const csr = await makeCsr(dir, { subject: '/C=US/O=Example Inc/CN=ev.example.com' })
    const orderNumber = orderNumberOf(
      (await api.call('!AutoApplySSL', { product: '337', days: '365', serverSoftware: '-1', csr: csr.pem, companyNumber: 'C1234567', joiCountryName: 'US' })).text,
    )
    await sandbox.control.approveDcv(orderNumber)
    await sandbox.control.advance(orderNumber, 'organization-validation')
    await sandbox.control.advance(orderNumber, 'ov-callback')
    const status = await api.form('download/CollectSSL', { orderNumber, queryType: '0', responseFormat: '1', showStatusDetails: 'Y' })
    expect([status.get('errorCode'), status.get('evClickThroughStatus'), status.get('brandValStatus')]).toEqual(['0', '2', '-1'])

    const same = await api.form('!UpdateUserEvClickThrough', { orderNumber, action: 'ReplaceMailAddress', adminEmailAddress: 'admin@ev.example.com' })
    expect([same.get('errorCode'), same.get('status')]).toEqual(['0', '2'])
    const changed = await api.form('!UpdateUserEvClickThrough', { orderNumber, action: 'ReplaceMailAddress', adminEmailAddress: 'legal@example.com' })
    expect([changed.get('errorCode'), changed.get('status')]).toEqual(['0', '1'])
    expect((await api.form('!UpdateUserEvClickThrough', { orderNumber, action: 'ResendEmail' })).get('status')).toBe('1')
    const noAddress = await api.form('!UpdateUserEvClickThrough', { orderNumber, action: 'ReplaceMailAddress' })
    expect([noAddress.get('errorCode'), noAddress.get('errorItem')]).toEqual(['-3', 'adminEmailAddress'])
    expect((await api.form('!UpdateUserEvClickThrough', { orderNumber, action: 'Dance' })).get('errorItem')).toBe('action')

    await sandbox.control.advance(orderNumber, 'ev-click-through')
    expect((await api.form('!UpdateUserEvClickThrough', { orderNumber, action: 'ResendEmail' })).get('status')).toBe('0')
    const text = await leafText(orderNumber)
    expect(text).toContain('Policy: 2.23.140.1.1')
    expect(text).toContain('businessCategory = Private Organization')
    expect(text).toContain('jurisdictionC = US')
    expect(text).toContain('serialNumber = C1234567')
  })

  it('answers status 0 to click-through and -4 to callbacks on DV orders', async () => {
    const csr = await makeCsr(dir, { cn: 'dv.example.com' })
    const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '365', serverSoftware: '-1', csr: csr.pem })).text)
    expect((await api.form('!UpdateUserEvClickThrough', { orderNumber, action: 'ResendEmail' })).get('status')).toBe('0')
    const cb = await api.form('!UpdateUserOvCallback', { orderNumber, action: 'sendCallbackEmail' })
    expect([cb.get('errorCode'), cb.get('errorItem')]).toEqual(['-4', 'orderNumber'])
    const bad = await control(sandbox, 'POST', `orders/${orderNumber}/advance`, { step: 'ov-callback' })
    expect(bad.status).toBe(409)
    const unknown = await control(sandbox, 'POST', `orders/${orderNumber}/advance`, { step: 'bribe' })
    expect(unknown.status).toBe(400)
  })

  it('completes everything at once in demo mode', async () => {
    const demo = await startSandbox({ seed: 4005, issuance: { autoApproveDcv: true, autoCompleteValidation: true } })
    try {
      const csr = await makeCsr(dir, { subject: '/C=DE/O=Beispiel GmbH/CN=demo.example.de' })
      const demoApi = new RawApi(demo.url)
      const orderNumber = orderNumberOf((await demoApi.call('!AutoApplySSL', { product: '410', days: '365', serverSoftware: '-1', csr: csr.pem })).text)
      expect(demo.control.getOrder(orderNumber).state).toBe('issued')
    } finally {
      await demo.close()
    }
  })
})
