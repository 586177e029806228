import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const REPO = join(import.meta.dirname, '../../..')
const CHILD = join(import.meta.dirname, 'support/untrusted-dsa-child.ts')
const ABORTING_DSA_SPKI = join(REPO, 'test/fixtures/csr/dsa-spki-aborts-node.der')

/**
 * Each scenario runs in its own Node process: reading KeyObject.asymmetricKeyDetails on this key aborts
 * Node 20 (exit status 134), which inside the test runner would take the whole run down with it.
 */
function runScenario(scenario: string): unknown {
  const r = spawnSync(process.execPath, ['--import', 'jiti/register', CHILD, scenario, ABORTING_DSA_SPKI], {
    cwd: REPO,
    encoding: 'utf8',
  })
  expect(r.signal, r.stderr).toBeNull()
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '')
}

describe('a crafted DSA key that aborts Node when its key details are read', () => {
  it('imports a DER certificate carrying it and stores its algorithm as dsa', () => {
    expect(runScenario('import-der')).toEqual({ keyAlgorithms: ['dsa'] })
  })

  it('imports pasted PEM with the key as a PUBLIC KEY block and in certificates, and builds the chain through it', () => {
    expect(runScenario('import-pem')).toEqual({
      added: ['added', 'added'],
      skipped: ['a public key alone; certificates carry their public key'],
      chains: ['bad-signature'],
      keyAlgorithms: ['dsa', 'ec-p256'],
    })
  })

  it('imports a PKCS#12 file whose certificate carries it', () => {
    expect(runScenario('import-pkcs12')).toEqual({ keyAlgorithms: ['dsa'] })
  })

  it('imports a DSA private key on the same domain parameters', () => {
    expect(runScenario('import-private-key')).toEqual({ keyAlgorithms: ['dsa'] })
  })

  it('builds a chain whose issuer holds it: the forged signature does not verify, and nothing aborts', () => {
    expect(runScenario('chain')).toEqual({ status: 'bad-signature', links: 1 })
  })
})
