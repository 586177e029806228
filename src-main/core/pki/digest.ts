import { nodeCrypto } from '../util/node-crypto'

/** Lower-case hex SHA-256: certificate fingerprints, SPKI fingerprints and name-index hashes. */
export function sha256Hex(b: Uint8Array): string {
  return nodeCrypto().createHash('sha256').update(b).digest('hex')
}
