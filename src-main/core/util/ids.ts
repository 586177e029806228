import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz' // Crockford base32, lower case: easy to type and read aloud
/** 16 base32 characters = 80 random bits: collisions are not a concern for a desktop database. */
const ID_CHARS = 16

/** Short, typeable, prefixed ids, e.g. `key_4f0kq8…`, used for every row the user can refer to. */
export function newId(prefix: string): string {
  const bytes = randomBytes(ID_CHARS)
  let out = ''
  for (const b of bytes) out += ALPHABET[b & 31]
  return `${prefix}_${out}`
}
