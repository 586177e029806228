import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox/server'
import { makeCsr, removeTempDirs, run, tempDir, type TestCsr } from './helpers'

// The acceptance POSTs, made with curl exactly as a user would.
describe('Sandbox CA acceptance (curl)', () => {
  let sandbox: SandboxHandle
  let csr: TestCsr
  let endpoint: string

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 1001 })
    csr = await makeCsr(tempDir(), { cn: 'shop.example.com', key: 'rsa' })
    endpoint = `${sandbox.url}/products/!AutoApplySSL`
  })
  afterAll(async () => {
    await sandbox.close()
    removeTempDirs()
  })

  const baseArgs = (): string[] => [
    '-s',
    '-X',
    'POST',
    '--data-urlencode',
    'loginName=sandbox',
    '--data-urlencode',
    'loginPassword=sandbox',
    '-d',
    'product=287',
    '-d',
    'days=365',
    '-d',
    'serverSoftware=-1',
    '-d',
    'dcvMethod=HTTP_CSR_HASH',
  ]

  it('answers status 0 or 1 and an order number on the next line', async () => {
    const r = await run('curl', [...baseArgs(), '--data-urlencode', `csr@${csr.csrPath}`, endpoint])
    const [status, orderNumber] = r.stdout.split('\n')
    expect(['0', '1']).toContain(status)
    expect(orderNumber).toMatch(/^[1-9]\d{9}$/)
  })

  it('answers errorCode=0&...orderNumber=... with responseFormat=1', async () => {
    const r = await run('curl', [...baseArgs(), '-d', 'responseFormat=1', '--data-urlencode', `csr@${csr.csrPath}`, endpoint])
    expect(r.stdout).toMatch(/^errorCode=0&/)
    expect(new URLSearchParams(r.stdout).get('orderNumber')).toMatch(/^[1-9]\d{9}$/)
  })

  it('answers -17 to a GET', async () => {
    const r = await run('curl', ['-s', '-G', '--data-urlencode', 'loginName=sandbox', '--data-urlencode', 'loginPassword=sandbox', endpoint])
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['-17', 'Request used GET rather than POST!'])
  })

  it('answers -3 naming csr when the CSR is missing', async () => {
    const r = await run('curl', [...baseArgs(), endpoint])
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['-3', "The 'csr' argument is missing!"])
    const f = await run('curl', [...baseArgs(), '-d', 'responseFormat=1', endpoint])
    expect(f.stdout).toBe('errorCode=-3&errorMessage=The+%27csr%27+argument+is+missing%21&errorItem=csr')
  })

  it('answers -2 to an unknown argument, naming it', async () => {
    const r = await run('curl', [...baseArgs(), '-d', 'favouriteColour=blue', '--data-urlencode', `csr@${csr.csrPath}`, endpoint])
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['-2', "'favouriteColour' is an unrecognised argument!"])
    const f = await run('curl', [...baseArgs(), '-d', 'responseFormat=1', '-d', 'favouriteColour=blue', endpoint])
    expect(new URLSearchParams(f.stdout).get('errorCode')).toBe('-2')
    expect(new URLSearchParams(f.stdout).get('errorItem')).toBe('favouriteColour')
  })
})
