import { spawnSync } from 'node:child_process'
import { createDecipheriv, createPrivateKey, createPublicKey } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { CLI_JS, runBuiltCliAsync } from '../../helpers/cli'
import { keyringDaemons } from '../../helpers/keyring-daemons'
import { useTempDirs } from '../../helpers/temp-dir'
import { inKeyringSession } from '../orders/helpers'

const tempDir = useTempDirs()
const ROUNDS = 20
const PROCESSES = 3

interface StoredKey {
  id: string
  public_key_der: Buffer
  encrypted_pkcs8: Buffer
}

/** The vault's data key as libsecret's own tool reads it from the keychain (not through CertDesk). */
function dataKeyFromKeychain(vaultId: string): Buffer {
  const r = spawnSync('secret-tool', ['lookup', 'service', 'CertDesk', 'username', `vault-data-key:${vaultId}`], { encoding: 'utf8' })
  expect(r.status, `keychain item of vault ${vaultId}`).toBe(0)
  return Buffer.from(r.stdout.trim(), 'base64')
}

/** AES-256-GCM as ARCHITECTURE.md documents it (nonce | ciphertext | tag, the key id as AAD), with node:crypto. */
function decryptKey(dek: Buffer, k: StoredKey): Buffer {
  const blob = k.encrypted_pkcs8
  const d = createDecipheriv('aes-256-gcm', dek, blob.subarray(0, 12))
  d.setAAD(Buffer.from(`certdesk:key:aes-256-gcm:v1:${k.id}`))
  d.setAuthTag(blob.subarray(blob.length - 16))
  return Buffer.concat([d.update(blob.subarray(12, blob.length - 16)), d.final()])
}

/** At most this many rounds are run again because the keychain daemon itself was replaced during them. */
const MAX_DAEMON_RESTART_ROUNDS = 3

describe.skipIf(!inKeyringSession || !existsSync(CLI_JS))('the first keys of a new data folder, made by several processes at once (built CLI, real keychain)', () => {
  it(`${PROCESSES} processes making a key and CSR on a new folder at once, ${ROUNDS} rounds: every command succeeds and every key decrypts`, async () => {
    let rerun = 0
    for (let round = 0; round < ROUNDS; round++) {
      const dir = tempDir()
      const dataDir = join(dir, 'data')
      const daemonsBefore = keyringDaemons()
      const runs = await Promise.all(
        Array.from({ length: PROCESSES }, (_, i) =>
          runBuiltCliAsync(['csr', 'new', '--type', 'ec-p256', '--cn', `r${round}-p${i}.example.com`, '--out', join(dir, `p${i}.csr`), '--json'], { dataDir }),
        ),
      )
      const failed = runs.filter((r) => r.code !== 0)
      if (failed.length > 0 && keyringDaemons() !== daemonsBefore && rerun < MAX_DAEMON_RESTART_ROUNDS) {
        // The daemon, not CertDesk, went away: the refusal must say so, and the round is run again.
        for (const r of failed) expect(r.stderr, `round ${round}`).toMatch(/OS keychain could not/)
        rerun++
        round--
        continue
      }
      for (const r of runs) expect(r.code, `round ${round}: ${r.stderr}`).toBe(0)

      const db = new Database(join(dataDir, 'certdesk.db'), { readonly: true, fileMustExist: true })
      try {
        const vaultId = (db.prepare("SELECT value FROM meta WHERE name = 'vault.id'").get() as { value: string }).value
        const keys = db.prepare('SELECT id, public_key_der, encrypted_pkcs8 FROM keys').all() as StoredKey[]
        expect(keys, `round ${round}`).toHaveLength(PROCESSES)
        const dek = dataKeyFromKeychain(vaultId)
        for (const k of keys) {
          const pkcs8 = decryptKey(dek, k)
          const spki = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' })
          expect(spki.equals(k.public_key_der), `round ${round}, key ${k.id}`).toBe(true)
        }
      } finally {
        db.close()
      }
    }
  }, 900_000)
})
