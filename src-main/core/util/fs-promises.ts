import type * as FsPromises from 'node:fs/promises'

/**
 * node:fs/promises, taken on first use rather than imported: loading it brings readline and the REPL's
 * history with it, which every CLI start paid for (issue 15).
 */
export const fsp = (): typeof FsPromises => process.getBuiltinModule('node:fs/promises')
