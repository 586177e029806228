import { randomInt } from 'node:crypto'
import { EXACT_REFERENCE_PATTERN } from '../sectigo/endpoints/web-host-report'

/** "CD" + 20 random characters: 100 bits, far below Sectigo's 64-character limit on the field. */
export const FOREIGN_REF_RANDOM_CHARS = 20
const PREFIX = 'CD'
/** Upper-case letters and digits without the look-alikes 0/O and 1/I, for reading it to support. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/**
 * The reference a new order sends as AutoApplySSL `foreignOrderNumber`. Letters and digits only:
 * Sectigo's WebHostReport treats `_` and `%` as wildcards in its filters
 * (docs.sectigo.com/sps/web-host-report/request), so the local id (`ord_…`) would not be searched
 * exactly.
 */
export function newForeignRef(): string {
  let out = PREFIX
  for (let i = 0; i < FOREIGN_REF_RANDOM_CHARS; i++) out += ALPHABET[randomInt(ALPHABET.length)]
  return out
}

/** True for references a report filter matches exactly (new ones); false for the older `ord_…` ids. */
export function isExactRef(ref: string): boolean {
  return EXACT_REFERENCE_PATTERN.test(ref)
}
