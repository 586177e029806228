import { describe, expect, it } from 'vitest'
import { assertCryptoReady, cryptoSelfCheck, missingPrimitiveMessage, requireCryptoPrimitive, type CryptoCheck } from '../../../src-main/core/diagnostics/crypto-check'
import { isCoreError } from '../../../src-main/core/errors'
import { caught } from '../../helpers/caught'

const EVERY_PRIMITIVE = ['random', 'sha-digests', 'md5', 'hmac', 'aes-256-gcm', 'aes-cbc', 'des-ede3-cbc', 'pbkdf2', 'scrypt', 'rsa', 'ecdsa', 'ed25519', 'webcrypto-sign', 'x509', 'rsa-pss-key', 'ed448', 'dsa']

describe('the crypto self-check', () => {
  it('tries every primitive core uses, names it and the feature that needs it, and all work on this Node', async () => {
    const checks = await cryptoSelfCheck()
    expect(checks.map((c) => c.id)).toEqual(EVERY_PRIMITIVE)
    for (const c of checks) {
      expect(c.ok).toBe(true)
      expect(c.primitive.length).toBeGreaterThan(2)
      expect(c.feature.length).toBeGreaterThan(5)
      expect(c.error).toBeUndefined()
    }
    expect(assertCryptoReady(checks)).toEqual([])
  })

  it("at startup leaves out CertDesk's own portable code, which does not depend on the runtime", async () => {
    const checks = await cryptoSelfCheck({ startup: true })
    expect(checks.map((c) => c.via)).not.toContain('portable')
    expect(checks.map((c) => c.id)).toEqual(EVERY_PRIMITIVE.filter((id) => !['rsa-pss-key', 'ed448', 'dsa'].includes(id)))
  })

  it('a missing required primitive stops the start with one sentence: which, where, what needs it, what to do', () => {
    const gcm: CryptoCheck = { id: 'aes-256-gcm', primitive: 'AES-256-GCM', feature: 'private keys at rest (the vault) and backups', required: true, via: 'node:crypto', ok: false, error: 'Unknown cipher' }
    const e = caught(() => assertCryptoReady([gcm]))
    expect(isCoreError(e) && e.code).toBe('runtime_unsupported')
    expect((e as Error).message).toBe(
      `This ${process.versions.electron ? 'Electron' : 'Node'} ${process.versions.node} (ABI ${process.versions.modules}) lacks AES-256-GCM (Unknown cipher), which private keys at rest (the vault) and backups needs; CertDesk cannot run without it. Install CertDesk's official build for this system, or report this with "certdesk doctor".`,
    )
  })

  it('a missing optional primitive only disables its feature, and says which', () => {
    const des: CryptoCheck = { id: 'des-ede3-cbc', primitive: '3DES (des-ede3-cbc)', feature: 'the Compatible PKCS#12 profile', required: false, via: 'node:crypto', ok: false, error: 'Unknown cipher' }
    expect(assertCryptoReady([des])).toEqual([des])
    expect(missingPrimitiveMessage(des, 'Electron 45.6.1 (ABI 150)')).toBe(
      'This Electron 45.6.1 (ABI 150) lacks 3DES (des-ede3-cbc) (Unknown cipher), which the Compatible PKCS#12 profile needs; the Compatible PKCS#12 profile is disabled. Install CertDesk\'s official build for this system, or report this with "certdesk doctor".',
    )
  })

  it('a feature gate lets a feature run where its primitive works', () => {
    expect(() => requireCryptoPrimitive('des-ede3-cbc')).not.toThrow()
  })
})
