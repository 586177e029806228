/**
 * Every size and work limit applied to certificate material from outside (files, pasted text, ZIPs).
 * Values follow reference/reliability-security.md I1/I2; each is checked before the expensive step. The
 * ASN.1 parser's own caps (depth, element count, OID length) are in ../asn1/reader.ts.
 */

/**
 * One import sent in one request (pasted text, a file from the UI, one part of a larger file) is at most
 * this (4 MiB): both transports carry exactly that much (api/request-limits.ts). A literal, not
 * 4 * 1024 * 1024, so its type is the number itself: the renderer, which may import only types from
 * here, declares its copy with `typeof MAX_IMPORT_BYTES` and the compiler keeps the two equal.
 */
export const MAX_IMPORT_BYTES = 4_194_304
/**
 * One file read by the CLI, or sent by the UI in parts, is at most this (48 MiB): a PEM bundle of 20,000
 * certificates with a few names each (an estate of 10,000 is about 20 MiB). Larger files are refused by
 * their size before they are read (I1, raised for bulk onboarding, issue 12).
 */
export const MAX_IMPORT_FILE_BYTES = 48 * 1024 * 1024
/** A PKCS#12 file is at most 1 MiB (I1). */
export const MAX_PKCS12_BYTES = 1024 * 1024
/** A single certificate's DER is at most 64 KiB (I1). */
export const MAX_CERTIFICATE_BYTES = 64 * 1024
/** A private key's DER (RSA-16384 PKCS#8 is about 10 KiB). */
export const MAX_PRIVATE_KEY_BYTES = 32 * 1024
/** A PKCS#7 bundle is at most 256 KiB (I1: a chain <= 256 KiB). */
export const MAX_PKCS7_BYTES = 256 * 1024
/**
 * Certificates accepted from one file: a bundle of a whole estate (issue 12: 10,000 certificates import
 * in one command), twice over. Was 50 when imports were single deliveries from a CA.
 */
export const MAX_CERTIFICATES_PER_IMPORT = 20_000
/** Private keys accepted from one file (a server's key store dumped as one PEM); was 10. */
export const MAX_KEYS_PER_IMPORT = 1_000
/** Certificates in a PKCS#7 or PKCS#12 container. */
export const MAX_CERTIFICATES_PER_CONTAINER = 20
/** A chain never has more links than this (leaf included); longer means a loop or a hostile pool. */
export const MAX_CHAIN_LENGTH = 10

/** PBKDF2 iteration cap when reading (Bouncy Castle's read cap); PBKDF2 runs natively off the main thread. */
export const MAX_PBKDF2_ITERATIONS = 5_000_000
/**
 * RFC 7292 Appendix B KDF iteration cap when reading. This KDF runs in JavaScript (about 0.5 s per
 * million SHA-1 rounds and 0.8 s per million SHA-256 rounds here, and a 3DES key needs two runs), so the
 * cap is lower than PBKDF2's; real files use 2,000 (OpenSSL, Windows) to 100,000 (KeyStore Explorer).
 */
export const MAX_PKCS12_KDF_ITERATIONS = 1_000_000
/**
 * Key-derivation work one file may ask for in total, in hash-block rounds (iterations times the
 * digest blocks each derivation needs; KdfBudget in pbe.ts). The per-part caps above bound one
 * derivation, not how many a file stacks: without this, a PKCS#12 of twenty encrypted parts at the
 * cap costs twenty times the work. 24 million covers the costliest file the per-part caps admit with
 * a certificate part and a key part: PBES2 at MAX_PBKDF2_ITERATIONS with an HMAC-SHA1 PRF and AES-256
 * (two blocks, 10 million rounds) for each, plus a MAC at MAX_PKCS12_KDF_ITERATIONS (21 million); and
 * CertDesk's own Compatible profile at its maximum read with an empty password, which is derived
 * twice (2 x 7 million).
 */
export const MAX_KDF_ROUNDS_PER_FILE = 24_000_000
/** A PKCS#12 may nest SafeContents bags this deep. */
export const MAX_SAFE_CONTENTS_DEPTH = 3

/** ZIP archives as CAs deliver them: a few small files. */
export const MAX_ZIP_ENTRIES = 32
export const MAX_ZIP_ENTRY_BYTES = 1024 * 1024
export const MAX_ZIP_TOTAL_BYTES = 4 * 1024 * 1024

/** Certificates read from the system trust store (Debian ships about 150). */
export const MAX_TRUST_STORE_CERTIFICATES = 1_000
/** The system bundle file is at most this large. */
export const MAX_TRUST_STORE_FILE_BYTES = 4 * 1024 * 1024
