import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { derB64ToPem, makeCsr, openssl, orderNumberOf, RawApi, removeTempDirs, run, tempDir, writeFile } from './helpers'

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

describe('Sandbox CA CollectSSL formats', () => {
  let sandbox: SandboxHandle
  let api: RawApi
  let dir: string
  let orderNumber: string
  const ROOT = 'CN = CertDesk Sandbox Root CA'
  const ISSUING = 'CN = CertDesk Sandbox Issuing CA'

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 6006, issuance: { autoApproveDcv: true } })
    api = new RawApi(sandbox.url)
    dir = tempDir()
    const csr = await makeCsr(dir, { cn: 'formats.example.com' })
    orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '90', serverSoftware: '-1', csr: csr.pem })).text)
  })
  afterAll(async () => {
    await sandbox.close()
    removeTempDirs()
  })

  async function subjects(pemText: string): Promise<string[]> {
    const out: string[] = []
    for (const block of pemText.match(PEM_BLOCK) ?? []) {
      out.push((await openssl(['x509', '-noout', '-subject', '-nameopt', 'oneline'], { input: `${block}\n` })).trim())
    }
    return out.map((s) => /CN ?= ?([^,/]+)/.exec(s)?.[0].replace(/ ?= ?/, ' = ') ?? s)
  }

  it('marks the certificate collected only once it was delivered', async () => {
    expect((await api.form('!WebHostReport', { orderNumber })).get('1_1_certificateStatusCode')).toBe('9')
    expect(await api.lines('download/CollectSSL', { orderNumber, queryType: '0' })).toEqual(['1', ''])
    expect((await api.form('!WebHostReport', { orderNumber })).get('1_1_certificateStatusCode')).toBe('9')
    await api.call('download/CollectSSL', { orderNumber, queryType: '2' })
    expect((await api.form('!WebHostReport', { orderNumber })).get('1_1_certificateStatusCode')).toBe('6')
  })

  it('answers status, FQDN, validity and the status text in newline format', async () => {
    const lines = await api.lines('download/CollectSSL', { orderNumber, queryType: '0', showFQDN: 'Y', showValidityPeriod: 'Y', showExtStatus: 'Y' })
    expect(lines[0]).toBe('1')
    expect(lines[1]).toBe('formats.example.com')
    expect(Number(lines[3]) - Number(lines[2])).toBe(90 * 86_400 - 1)
    expect(lines.slice(4)).toEqual(['', 'Issued', ''])
  })

  it('serves the chain root first and the leaf last, as PEM blocks, for queryType 1, 2 and 3', async () => {
    expect(await subjects((await api.call('download/CollectSSL', { orderNumber, queryType: '1' })).text)).toEqual([ROOT, ISSUING, 'CN = formats.example.com'])
    expect(await subjects((await api.call('download/CollectSSL', { orderNumber, queryType: '2' })).text)).toEqual(['CN = formats.example.com'])
    expect(await subjects((await api.call('download/CollectSSL', { orderNumber, queryType: '3' })).text)).toEqual([ROOT, ISSUING])
  })

  it('percent-encodes base64 certificates and repeats caCertificate in URL-encoded answers', async () => {
    const raw = (await api.call('download/CollectSSL', { orderNumber, queryType: '1', responseFormat: '1' })).text
    expect(raw).not.toMatch(/[+/]/)
    expect(raw).toMatch(/%2[BF]/)
    const f = new URLSearchParams(raw)
    expect(f.get('errorCode')).toBe('2')
    const chain = f.getAll('caCertificate').map((b) => derB64ToPem(b)).join('')
    expect(await subjects(chain)).toEqual([ROOT, ISSUING])
    expect(await subjects(derB64ToPem(f.get('certificate') ?? ''))).toEqual(['CN = formats.example.com'])
  })

  it('serves PKCS#7 as base64 and as binary with the requested MIME type', async () => {
    const b64 = (await api.lines('download/CollectSSL', { orderNumber, queryType: '1', responseType: '2' }))[1] ?? ''
    const p7 = writeFile(dir, 'chain.p7b', Buffer.from(b64, 'base64'))
    expect(await subjects(await openssl(['pkcs7', '-inform', 'DER', '-in', p7, '-print_certs']))).toEqual([ROOT, ISSUING, 'CN = formats.example.com'])

    const bin = await api.call('download/CollectSSL', { orderNumber, queryType: '1', responseType: '2', responseEncoding: '1', responseMimeType: 'application/x-pkcs7-certificates' })
    expect(bin.contentType).toBe('application/x-pkcs7-certificates')
    const p7bin = writeFile(dir, 'chain-bin.p7b', bin.body)
    expect(await subjects(await openssl(['pkcs7', '-inform', 'DER', '-in', p7bin, '-print_certs']))).toHaveLength(3)
    const form = await api.form('download/CollectSSL', { orderNumber, queryType: '1', responseType: '2', responseFormat: '1' })
    expect(Buffer.from(form.get('pkcs7') ?? '', 'base64').equals(Buffer.from(b64, 'base64'))).toBe(true)
  })

  it('serves a ZIP of PEM files, binary or base64', async () => {
    const bin = await api.call('download/CollectSSL', { orderNumber, queryType: '1', responseType: '0', responseEncoding: '1' })
    expect(bin.contentType).toBe('application/zip')
    const zipPath = writeFile(dir, 'bundle.zip', bin.body)
    const listing = await run('unzip', ['-Z1', zipPath])
    expect(listing.stdout.split('\n').filter(Boolean).sort()).toEqual(['CertDesk_Sandbox_Issuing_CA.crt', 'CertDesk_Sandbox_Root_CA.crt', 'formats_example_com.crt'])
    const leaf = await run('unzip', ['-p', zipPath, 'formats_example_com.crt'])
    expect(await subjects(leaf.stdout)).toEqual(['CN = formats.example.com'])
    const b64 = await api.form('download/CollectSSL', { orderNumber, queryType: '1', responseType: '0', responseFormat: '1' })
    expect(Buffer.from(b64.get('zipFile') ?? '', 'base64').subarray(0, 2).toString()).toBe('PK')
  })

  it('serves a Netscape certificate sequence that openssl nseq reads', async () => {
    const b64 = (await api.lines('download/CollectSSL', { orderNumber, queryType: '1', responseType: '1' }))[1] ?? ''
    const path = writeFile(dir, 'seq.pem', derB64ToPem(b64))
    expect(await subjects(await openssl(['nseq', '-in', path]))).toEqual([ROOT, ISSUING, 'CN = formats.example.com'])
  })

  it('reports status details and omits the EV-only ones for a DV order', async () => {
    const f = await api.form('download/CollectSSL', { orderNumber, queryType: '0', responseFormat: '1', showStatusDetails: 'Y', showExtStatus: 'Y', showValidityPeriod: 'Y' })
    expect([f.get('errorCode'), f.get('certificateStatus'), f.get('validationStatus'), f.get('dcvStatus'), f.get('ovCallBackStatus')]).toEqual(['1', 'Issued', 'Validated', '1', '-1'])
    expect(f.has('evClickThroughStatus')).toBe(false)
    expect(Number(f.get('notAfter')) - Number(f.get('notBefore'))).toBe(90 * 86_400 - 1)
  })

  it('refuses flag combinations Sectigo documents as invalid', async () => {
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ queryType: '0', responseType: '2' }, '-4', 'responseType'],
      [{ queryType: '7' }, '-4', 'queryType'],
      [{}, '-3', 'queryType'],
      [{ queryType: '0', showFQDN: 'maybe' }, '-4', 'showFQDN'],
    ]
    for (const [extra, code, item] of cases) {
      const f = await api.form('download/CollectSSL', { orderNumber, responseFormat: '1', ...extra })
      expect([f.get('errorCode'), f.get('errorItem')], JSON.stringify(extra)).toEqual([code, item])
    }
    const enc = await api.lines('download/CollectSSL', { orderNumber, queryType: '1', responseType: '3', responseEncoding: '1', responseFormat: '1' })
    expect(enc.slice(0, 2)).toEqual(['-4', "The value of the 'responseEncoding' argument is invalid!"])
    const none = await api.form('download/CollectSSL', { queryType: '0', responseFormat: '1' })
    expect([none.get('errorCode'), none.get('errorItem')]).toEqual(['-3', 'orderNumber'])
    const other = await api.form('download/CollectSSL', { orderNumber: '1000000000', queryType: '0', responseFormat: '1' })
    expect([other.get('errorCode'), other.get('errorItem')]).toEqual(['-4', 'orderNumber'])
    const binErr = await api.call('download/CollectSSL', { orderNumber: '1000000000', queryType: '1', responseType: '2', responseEncoding: '1', responseFormat: '1' })
    expect(binErr.contentType).toContain('text/plain')
    expect(binErr.text.split('\n')[0]).toBe('-4')
  })

  it('answers 0 with a text body to a binary request while the order is pending', async () => {
    const csr = await makeCsr(dir, { cn: 'pending.example.com' })
    const manual = await startSandbox({ seed: 6007 })
    try {
      const m = new RawApi(manual.url)
      const n = orderNumberOf((await m.call('!AutoApplySSL', { product: '287', days: '90', serverSoftware: '-1', csr: csr.pem })).text)
      const r = await m.call('download/CollectSSL', { orderNumber: n, queryType: '1', responseType: '0', responseEncoding: '1' })
      expect(r.contentType).toContain('text/plain')
      expect(r.text.split('\n')[0]).toBe('0')
      expect((await m.call('download/CollectSSL', { orderNumber: n, queryType: '1', showFQDN: 'Y' })).text).toBe('0\npending.example.com\n')
    } finally {
      await manual.close()
    }
  })
})
