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

export const USAGE = `certdesk: keys, CSRs and Sectigo certificates from the command line.

Usage: certdesk [--data-dir DIR] [--json] [--passphrase-file FILE] <command> ...

Commands:
  csr new|decode|list|show    make, inspect and list CSRs (and their keys)
  keys list                   list stored keys (never the private part)
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
