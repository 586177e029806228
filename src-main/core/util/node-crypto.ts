import type * as Crypto from 'node:crypto'

/**
 * node:crypto, taken on first use rather than imported, by the modules that opening the database and the
 * read-only listings load (migrations, indexing, certificate parsing, digests): loading it costs about
 * 10 ms of a CLI start that hashes and verifies nothing (issue 15). Modules that always use it import it.
 */
export const nodeCrypto = (): typeof Crypto => process.getBuiltinModule('node:crypto')
