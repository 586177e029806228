import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { makeCsr, openssl, orderNumberOf, RawApi, removeTempDirs, run, tempDir, writeFile, type TestCsr } from './helpers'

describe('Sandbox CA revocation: OCSP responder and CRL, checked with openssl', () => {
  let sandbox: SandboxHandle
  let api: RawApi
  let dir: string
  let csr: TestCsr
  let rootPath: string
  let intermediatePath: string

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 7007 })
    api = new RawApi(sandbox.url)
    dir = tempDir()
    csr = await makeCsr(dir, { cn: 'revoke.example.com' })
    rootPath = writeFile(dir, 'root.pem', sandbox.caRootPem)
    intermediatePath = writeFile(dir, 'intermediate.pem', sandbox.caIntermediatePem)
  })
  afterAll(async () => {
    await sandbox.close()
    removeTempDirs()
  })

  async function issued(): Promise<{ orderNumber: string; leafPath: string; serial: string }> {
    const orderNumber = orderNumberOf((await api.call('!AutoApplySSL', { product: '287', days: '90', serverSoftware: '-1', csr: csr.pem })).text)
    await sandbox.control.approveDcv(orderNumber)
    const f = await api.form('download/CollectSSL', { orderNumber, queryType: '2', responseFormat: '1' })
    const leafPath = writeFile(dir, `leaf-${orderNumber}.der`, Buffer.from(f.get('certificate') ?? '', 'base64'))
    const pem = await openssl(['x509', '-inform', 'DER', '-in', leafPath])
    const pemPath = writeFile(dir, `leaf-${orderNumber}.pem`, pem)
    const serial = (await openssl(['x509', '-in', pemPath, '-noout', '-serial'])).trim().replace('serial=', '')
    return { orderNumber, leafPath: pemPath, serial }
  }

  /** openssl's own OCSP client against the Sandbox responder, verifying the answer up to the Sandbox root. */
  async function opensslOcsp(leafPath: string): Promise<string> {
    const r = await run('openssl', ['ocsp', '-issuer', intermediatePath, '-cert', leafPath, '-url', `${sandbox.url}/ocsp`, '-CAfile', rootPath, '-resp_text'])
    expect(r.stderr).toContain('Response verify OK')
    return r.stdout
  }

  it('names its OCSP responder and CRL in every leaf it issues', async () => {
    const { leafPath } = await issued()
    const text = await openssl(['x509', '-in', leafPath, '-noout', '-ext', 'authorityInfoAccess,crlDistributionPoints'])
    expect(text).toContain(`OCSP - URI:${sandbox.url}/ocsp`)
    expect(text).toContain(`URI:${sandbox.url}/crl/intermediate.crl`)
  })

  it('answers good for an issued certificate and revoked (with time and reason) once AutoRevokeSSL revoked it', async () => {
    const { orderNumber, leafPath } = await issued()
    expect(await opensslOcsp(leafPath)).toMatch(/: good\n/)
    expect((await api.form('!AutoRevokeSSL', { orderNumber, revocationReason: 'key lost', codeReason: '1', responseFormat: '1' })).get('errorCode')).toBe('0')
    const after = await opensslOcsp(leafPath)
    expect(after).toMatch(/: revoked\n/)
    expect(after).toContain('Reason: keyCompromise')
    expect(after).toMatch(/Revocation Time: \w{3} +\d+ [\d:]+ \d{4} GMT/)
  })

  it('answers unknown for a serial the intermediate never issued', async () => {
    const { leafPath } = await issued()
    const foreign = await openssl(['x509', '-in', leafPath, '-noout', '-serial'])
    expect(foreign).toMatch(/^serial=/)
    const r = await run('openssl', ['ocsp', '-issuer', intermediatePath, '-serial', '0x0123456789abcdef', '-url', `${sandbox.url}/ocsp`, '-CAfile', rootPath])
    expect(r.stderr).toContain('Response verify OK')
    expect(r.stdout).toMatch(/0x0123456789abcdef: unknown/)
  })

  it('refuses to answer for another issuer (unauthorized) and a request that is not OCSP (malformedRequest)', async () => {
    const { leafPath } = await issued()
    const other = await run('openssl', ['ocsp', '-issuer', rootPath, '-cert', leafPath, '-url', `${sandbox.url}/ocsp`, '-CAfile', rootPath])
    expect(other.stdout + other.stderr).toMatch(/unauthorized/i)
    const junk = await fetch(`${sandbox.url}/ocsp`, { method: 'POST', body: 'not an ocsp request', headers: { 'Content-Type': 'application/ocsp-request' } })
    const respPath = writeFile(dir, 'junk.resp', Buffer.from(await junk.arrayBuffer()))
    const read = await run('openssl', ['ocsp', '-respin', respPath, '-resp_text', '-noverify'])
    expect(read.stdout + read.stderr).toMatch(/Responder Error: malformedrequest \(1\)/i)
  })

  it('publishes a CRL signed by the intermediate that lists exactly the revoked serials', async () => {
    const kept = await issued()
    const revoked = await issued()
    await api.call('!AutoRevokeSSL', { orderNumber: revoked.orderNumber, revocationReason: 'superseded', codeReason: '4' })
    const res = await fetch(`${sandbox.url}/crl/intermediate.crl`)
    expect(res.headers.get('content-type')).toBe('application/pkix-crl')
    const crlPath = writeFile(dir, 'intermediate.crl', Buffer.from(await res.arrayBuffer()))
    const chainPath = writeFile(dir, 'chain.pem', sandbox.caIntermediatePem + sandbox.caRootPem)
    const verified = await run('openssl', ['crl', '-inform', 'DER', '-in', crlPath, '-CAfile', chainPath, '-noout'])
    expect(verified.stderr).toContain('verify OK')
    const text = await openssl(['crl', '-inform', 'DER', '-in', crlPath, '-noout', '-text'])
    const subject = (await openssl(['x509', '-in', intermediatePath, '-noout', '-subject'])).trim().replace(/^subject=\s*/, '')
    expect(text).toContain(`Issuer: ${subject}`)
    expect(text).toContain(`Serial Number: ${revoked.serial}`)
    expect(text).not.toContain(`Serial Number: ${kept.serial}`)
    expect(text).toContain('Superseded')
    const pemCrl = writeFile(dir, 'intermediate.crl.pem', await openssl(['crl', '-inform', 'DER', '-in', crlPath]))
    const check = async (leaf: string) => run('openssl', ['verify', '-crl_check', '-CAfile', chainPath, '-CRLfile', pemCrl, leaf])
    expect((await check(kept.leafPath)).stdout).toContain(': OK')
    expect((await check(revoked.leafPath)).stdout + (await check(revoked.leafPath)).stderr).toContain('certificate revoked')
  })

  it('takes fault knobs on its revocation routes, as on the API', async () => {
    sandbox.control.setFaults({ endpoint: 'OCSP', http500: { times: 1 } })
    const first = await fetch(`${sandbox.url}/ocsp`, { method: 'POST', body: 'x' })
    expect(first.status).toBe(500)
    const second = await fetch(`${sandbox.url}/ocsp`, { method: 'POST', body: 'x' })
    expect(second.status).toBe(200)
    sandbox.control.clearFaults()
  })
})
