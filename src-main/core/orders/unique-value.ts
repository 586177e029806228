import { randomInt } from 'node:crypto'

/** Sectigo allows up to 20 alphanumerics; the longest value makes a collision with an earlier order of the same CSR impossible in practice. */
export const UNIQUE_VALUE_CHARS = 20
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789'

/**
 * A fresh uniqueValue for each order and each reissue, generated here rather than by Sectigo so the
 * DCV file content and CNAME target are known before the order is sent (and survive a lost answer).
 */
export function newUniqueValue(): string {
  let out = ''
  for (let i = 0; i < UNIQUE_VALUE_CHARS; i++) out += ALPHABET[randomInt(ALPHABET.length)]
  return out
}
