import { createRequire } from 'node:module'
import type * as Zod from 'zod'

let zod: typeof Zod | undefined

/**
 * zod, loaded on first use, for modules every front door loads but that parse only now and then (the
 * settings, a backup's header). Loading zod takes 70 to 100 ms, more than a CLI listing spends on its
 * database work (issue 15). A synchronous require (not import()), because those parses are synchronous.
 * The contract and the other edges that parse on every call import zod as usual.
 */
export function lazyZod(): typeof Zod.z {
  return (zod ??= createRequire(__filename)('zod') as typeof Zod).z
}
