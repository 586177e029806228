/** Usage texts, kept apart from the commands so `--help` loads nothing heavy. */
export const CSR_USAGE = `Usage:
  certdesk csr new --type rsa-2048|rsa-3072|rsa-4096|ec-p256|ec-p384 --cn NAME [--san NAME]...
                   [--o ORG] [--ou UNIT] [--l CITY] [--st STATE] [--c CC] [--email ADDR]
                   [--label TEXT] [--key KEY_ID] --out FILE [--force] [--json]
  certdesk csr decode FILE|- [--json] [--unique-value V] [--strict]
  certdesk csr list [--json]
  certdesk csr show CSR_ID [--json] [--pem]
`

export const KEYS_USAGE = `Usage:
  certdesk keys list [--json]
`

export const VAULT_USAGE = `Usage:
  certdesk vault status [--json]
  certdesk vault setup-passphrase --passphrase-file FILE|-   (only where no OS keychain is available)
Private keys are encrypted with a data key kept in the OS keychain. Without a keychain, set a vault
passphrase once; later commands read it from --passphrase-file FILE (global) or CERTDESK_PASSPHRASE_FILE.
`

export const IMPORT_USAGE = `Usage:
  certdesk import FILE [--password-file F|-] [--json]
FILE: PEM (any mix of keys, certificates, chains), DER, PKCS#7 (.p7b), PKCS#12 (.pfx/.p12), private
keys (PKCS#1, PKCS#8, SEC1, encrypted PKCS#8), or a ZIP as CAs deliver them. Keys go into the vault,
encrypted; certificates are matched to stored keys and CSRs; nothing is imported if anything fails.
`

export const CERTS_USAGE = `Usage:
  certdesk certs list [--all] [--json]       (--all adds intermediates and roots)
  certdesk certs show ID [--json] [--pem]
`

export const EXPORT_USAGE = `Usage:
  certdesk export ID --format pem|der|chain|fullchain|p7b|pfx|key|bundle --out FILE
                  [--root] [--no-chain] [--order leaf-first|root-first] [--der]
                  [--profile modern|compatible] [--password-file F|-] [--iterations N]
                  [--unencrypted-key] [--friendly-name NAME] [--overwrite] [--json]
  certdesk export ID --preset nginx|apache|iis|tomcat|haproxy --out-dir DIR
                  [--password-file F|-] [--profile modern|compatible] [--root] [--unencrypted-key] [--overwrite]
pfx needs --password-file. key and bundle need --password-file (encrypted PKCS#8, 600,000 PBKDF2
rounds) or --unencrypted-key. Files with private material are created 0600 and never overwritten
without --overwrite; every file is read back after writing.
`

export const USAGE = `certdesk: keys, CSRs and Sectigo certificates from the command line.

Usage: certdesk [--data-dir DIR] [--json] [--passphrase-file FILE] <command> ...

Commands:
  csr new|decode|list|show    make, inspect and list CSRs (and their keys)
  keys list                   list stored keys (never the private part)
  import FILE                 bring in certificates, chains, keys, PKCS#12, PKCS#7, ZIP
  certs list|show             certificates with their chains and days left
  export ID                   write PEM/DER/chain/P7B/PFX/key/bundle, or a server preset
  vault status|setup-passphrase
  sandbox serve               run the Sandbox CA (a local server speaking Sectigo's API)

Global options:
  --data-dir DIR        database folder (default: CERTDESK_DATA_DIR or the per-user data folder)
  --json                machine-readable output
  --passphrase-file F   vault passphrase (only for vaults without an OS keychain), or CERTDESK_PASSPHRASE_FILE
  --help, --version

Exit codes: 0 success, 1 the operation failed (the message says why), 2 usage error.
`

/** Usage mistakes: exit code 2 and a hint to --help. */
export class UsageError extends Error {}
