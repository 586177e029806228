/** Usage texts, kept apart from the commands so `--help` loads nothing heavy. */
export const CSR_USAGE = `Usage:
  certdesk csr new --type rsa-2048|rsa-3072|rsa-4096|ec-p256|ec-p384 --cn NAME [--san NAME]...
                   [--o ORG] [--ou UNIT] [--l CITY] [--st STATE] [--c CC] [--email ADDR]
                   [--label TEXT] [--key KEY_ID] [--internal] --out FILE [--force] [--json]
                   (with --key, --type may be left out: the key's type is used;
                    --internal: for your own internal CA, so private names such as printer.local,
                    single labels and private or loopback addresses are warnings, not errors;
                    Sectigo still refuses to order them)
  certdesk csr decode FILE|- [--json] [--unique-value V] [--strict]
  certdesk csr list [--search TEXT] [--json]
  certdesk csr show CSR_ID [--json] [--pem]
  certdesk csr delete CSR_ID --yes [--json]
A CSR an order refers to stays (the order's record); its key can still be deleted (keys delete).
`

export const KEYS_USAGE = `Usage:
  certdesk keys list [--search TEXT] [--json]
  certdesk keys delete KEY_ID --yes [--json]
Deleting a key is refused while an unfinished order or an unexpired certificate needs it. Its CSRs go
with it, except those an order refers to; those, expired certificates and finished orders stay as
history, without the key. The deleted key is wiped from the database files.
`

export const VAULT_USAGE = `Usage:
  certdesk vault status [--json]
  certdesk vault setup-passphrase --passphrase-file FILE|-   (only where no OS keychain is available)
Private keys are encrypted with a data key kept in the OS keychain. Without a keychain, set a vault
passphrase once; later commands read it from --passphrase-file FILE (global) or CERTDESK_PASSPHRASE_FILE.
`

export const BACKUP_USAGE = `Usage:
  certdesk backup create --out FILE --passphrase-file F|- [--vault-passphrase-file F] [--json]
  certdesk backup verify FILE --passphrase-file F|- [--json]
  certdesk backup restore FILE --passphrase-file F|- --data-dir NEW [--vault-passphrase-file F] [--json]
One encrypted file (AES-256-GCM, scrypt) with the database and the vault data key: the only way back
to your private keys if this computer or its keychain is lost. --passphrase-file is the backup's
passphrase (at least 10 characters); keep it apart from the file. create writes FILE once (0600, never
over an existing file) and verifies it. verify decrypts and checks a backup, writing nothing. restore
fills a folder with no database yet and keeps the data key in this computer's keychain, or, with
--vault-passphrase-file (or CERTDESK_PASSPHRASE_FILE), under a vault passphrase.
`

export const IMPORT_USAGE = `Usage:
  certdesk import PATH... [--password-file F|-] [--json]
PATH: files and folders (walked, hidden entries skipped). A file is PEM (any mix of keys, certificates,
chains; bundles of up to 20,000 certificates and 48 MiB), DER, PKCS#7 (.p7b), PKCS#12 (.pfx/.p12),
private keys (PKCS#1, PKCS#8, SEC1, encrypted PKCS#8), or a ZIP as CAs deliver them. Each file is all or
nothing: a bad file is refused with its reason and the others are imported. Keys go into the vault,
encrypted; certificates are matched to stored keys and CSRs. The password is tried for every file that
needs one. Progress goes to standard error on a terminal; the summary counts what was added, already
present, matched to its key, and the chains completed. Exit 1 when a file was refused.
`

export const CERTS_USAGE = `Usage:
  certdesk certs list [FILTERS] [--sort notAfter|notBefore|commonName|issuer|createdAt|keyAlgorithm|urgency]
                      [--asc|--desc] [--json]
  certdesk certs search WORDS... [FILTERS] [--json]   (names, subject, issuer, serial, SHA-256/SHA-1, notes, tags)
  certdesk certs summary [--limit N] [--within DAYS] [--json]
  certdesk certs show ID [--json] [--pem]              (with key usage, thumbprints, AIA, CRLs, policies, SCTs)
  certdesk certs asn1 ID [--json]
  certdesk certs expiring [--within DAYS] [--json]     (exit 4 when something is due)
      due: less than max(30 days, a third of its lifetime) left, or less than DAYS with --within,
      and nothing replaces it: the same order renewed or reissued, the same subject and names from the
      same CA, or your link. A wildcard that covers the names is only a hint until you confirm it.
  certdesk certs confirm ID | dismiss ID           (answer "covered by ...?" for ID)
  certdesk certs link ID SUCCESSOR_ID | not-successor ID OTHER_ID | unlink ID
  certdesk certs note ID TEXT... | --clear
  certdesk certs tag ID [--add TAG]... [--remove TAG]... [--clear]
  certdesk certs inventory --out FILE.csv|FILE.ics [--format csv|ics] [FILTERS] [--overwrite]
  certdesk certs delete ID... --yes [--json]   (refused while its order is unfinished; its key stays)
FILTERS: --all (adds intermediates and roots) --search TEXT --due --replaced --hinted --expired --no-key
         --incomplete-chain --issuer NAME --account ACCOUNT --tag TAG --within DAYS
--json of a list streams every certificate, a page at a time.
`

export const EXPORT_USAGE = `Usage:
  certdesk export ID --format pem|der|chain|fullchain|p7b|pfx|key|bundle --out FILE
                  [--root] [--no-chain] [--order leaf-first|root-first] [--der]
                  [--profile modern|compatible] [--password-file F|-] [--iterations N]
                  [--unencrypted-key] [--friendly-name NAME] [--overwrite] [--allow-short-password] [--json]
  certdesk export ID --preset nginx|apache|iis|tomcat|haproxy --out-dir DIR
                  [--password-file F|-] [--profile modern|compatible] [--root] [--unencrypted-key] [--overwrite]
                  [--allow-short-password]
  certdesk export ID ID... --format pem|der|chain|fullchain|p7b --out-dir DIR [--root] [--overwrite]
                  (several certificates: one file each; keys go one certificate at a time)
pfx needs --password-file. key and bundle need --password-file (encrypted PKCS#8, 600,000 PBKDF2
rounds) or --unencrypted-key. Export passwords are at least 10 characters; --allow-short-password
accepts a shorter one, for test labs. Files with private material are created 0600 and never
overwritten without --overwrite; every file is read back after writing.
`

export const ACCOUNT_USAGE = `Usage:
  certdesk account add --label LABEL --env production|test|sandbox [--login NAME]
                       [--base-url URL] [--password-file FILE|-]
  certdesk account list [--json]
  certdesk account show ACCOUNT [--json]
  certdesk account edit ACCOUNT [--label LABEL] [--login NAME] [--base-url URL | --default-base-url]
                        [--password-file FILE|- | --password-prompt]
  certdesk account remove ACCOUNT
  certdesk account test ACCOUNT [--json]
ACCOUNT is an account id (acc_...) or its label. The Sectigo password is read from a prompt (when
standard input is a terminal), a file, or standard input (--password-file -), never from the command
line, and stored only in the OS keychain. Environments: production (Sectigo, billed), test (Sectigo
test mode: test=Y, not billed, untrusted chain), sandbox (the Sandbox CA, started by CertDesk on this
computer; login and password default to the demo account sandbox/sandbox). --base-url is https only,
and changing it needs the password again (--password-file or --password-prompt), so the stored
password is never sent to a new address on its own.
`

export const ORDER_USAGE = `Usage:
  certdesk order place --account ACCOUNT --product CODE --days N
                       (--csr CSR_ID | --csr-file FILE | --new-key TYPE --cn NAME [--san NAME]...)
                       [--domain NAME[=METHOD[=EMAIL]]]... [--dcv METHOD] [--email APPROVER]
                       [--org NAME --country CC [--state S] [--city L] [--unit OU] [--street A]
                        [--postal-code P] [--company-number N]]
                       [--ca-certificate-id N] [--customer-email ADDR|none] [--add-on CODE]...
                       [--prioritise-csr-values] [--customer-validated] [--max-subject-cns N]
                       [--draft] [--no-remote-check] [--id-only] [--json]
  certdesk order submit ORDER_ID [--resend-confirmed]
  certdesk order list [--account ACCOUNT] [--state STATE]... [--search TEXT] [--json]
  certdesk order show ORDER_ID [--json]
  certdesk order sync [--account ACCOUNT] [--json]
  certdesk order collect ORDER_ID [--json]
  certdesk order reissue ORDER_ID [--same-key | --new-key TYPE | --csr CSR_ID | --csr-file FILE]
                         [--dcv METHOD] [--draft] [--id-only]
                         (free inside the order term; default: a new key of the same type)
  certdesk order renew ORDER_ID [--same-key | --new-key TYPE | --csr CSR_ID | --csr-file FILE]
                       [--days N] [--product CODE] [--submit] [--id-only]
                       (a new purchase for the same names; a draft unless --submit; default: a new key of the same type)
  certdesk order revoke ORDER_ID --reason TEXT [--code unspecified|keyCompromise|affiliationChanged|
                        superseded|cessationOfOperation] --yes
  certdesk order cancel ORDER_ID
  certdesk order remove-domain ORDER_ID DOMAIN
  certdesk order ov-callback ORDER_ID (--at ISO-TIME | --manual-at ISO-TIME | --phone N [--ext E]
                             | --callback-email ADDR | --send-email)
  certdesk order ev-click-through ORDER_ID [--email ADDR]
  certdesk order approvers --account ACCOUNT DOMAIN
  certdesk order products
METHOD: cname (default), http, https or email (or Sectigo's CNAME_CSR_HASH, HTTP_CSR_HASH, ...).
--days is the order term. Certificates issued since 15 March 2026 last at most 200 days (100 from
15 March 2027, 47 from 15 March 2029: CA/B Forum ballot SC-081); a longer term is reissued free until
it ends. Email approvers must be on Sectigo's list of the last 24 hours; CertDesk asks for it again
when needed. The order is recorded before Sectigo is called; if the answer is lost it is "unknown"
until Sectigo's order report settles it (order sync). It is sent again only with --resend-confirmed;
a second Sectigo order found later is flagged as a duplicate (revoke it, ask Sectigo for a refund).
Advanced: --ca-certificate-id (issuing CA on your account), --customer-email (none: Sectigo sends no
certificate mail), --add-on (extra product codes), --prioritise-csr-values, --customer-validated.
Exit codes: 0 done, 1 failed, 2 usage, 3 (collect) not issued yet: ask again later.
`

export const PUSH_USAGE = `Usage:
  certdesk push start [--port N] [--host ADDR] [--username NAME] [--password-file F|-] [--public-url URL]
  certdesk push stop
  certdesk push status [--json]
Sectigo's certificate-issuance push: Sectigo calls a URL you give its account manager (with basic-auth
credentials) when an order changes, instead of CertDesk polling. start saves the settings (the password
only in the OS keychain) and runs the receiver in the foreground until Ctrl-C or push stop; the app and
web shell run it too while it is on. It listens on 127.0.0.1 unless --host chooses another address;
put a reverse proxy or tunnel in front and give Sectigo its address with --public-url. Failed logins
are throttled (5 per 10 minutes per address, then 15 minutes locked out). A push makes its order due
for a status check, coalesced with any check already due, so repeated pushes cause no extra calls.
`

export const DCV_USAGE = `Usage:
  certdesk dcv show ORDER_ID [--download DIR] [--json]
  certdesk dcv check ORDER_ID [--json]
  certdesk dcv set-method ORDER_ID [--domain NAME] --method cname|http|https|email [--email APPROVER]
  certdesk dcv resend ORDER_ID [--email APPROVER]
show: for each name the exact file URL and content, the CNAME name and target, or the approver
address; --download writes each HTTP validation file into DIR (<DIR>/<name>/.well-known/pki-validation/).
check: looks from this machine the way Sectigo will (no redirects followed; CNAME resolved).
set-method: AutoUpdateDCV (the same method again makes Sectigo check again). resend: ResendDCVEmail.
`

export const ENDPOINTS_USAGE = `Usage:
  certdesk endpoints add HOST[:PORT] [--sni NAME] [--protocol tls|smtp|imap|pop3] [--cert ID] [--every HOURS]
  certdesk endpoints add --from-cert ID [--port N] [--protocol P] [--every HOURS]
  certdesk endpoints add --file FILE|- [--cert ID] [--every HOURS]     (one HOST[:PORT] per line)
  certdesk endpoints list [--cert ID] [--json]
  certdesk endpoints show ID [--json]
  certdesk endpoints check [ID|HOST[:PORT]]... [--timeout SECONDS] [--json]
  certdesk endpoints remove ID --yes
An endpoint is a server that should serve a certificate (--cert; --from-cert adds one per name of the
certificate). Ports 25 and 587 (SMTP), 143 (IMAP) and 110 (POP3) use STARTTLS unless --protocol says
otherwise. check sends each endpoint a TLS handshake (and the STARTTLS command) and nothing else, then
judges what it served: which certificate, the chain as sent, names, dates and revocation (OCSP, CRL).
The app and web shell check every endpoint on a schedule (default every 24 hours, --every HOURS).
Exit codes of check (the worst verdict wins): 0 all good, 10 due for renewal, 11 wrong certificate
(a renewal not deployed, another or an unknown one), 12 chain problem, 13 invalid (expired, not yet
valid, revoked, wrong name, untrusted), 14 unreachable.
`

export const SANDBOX_CONTROL_USAGE = `Usage:
  certdesk sandbox serve [options]               run the Sandbox CA (see: certdesk sandbox serve --help)
  certdesk sandbox approve ORDER_ID [--domain NAME] [--dcv-only] [--json]
  certdesk sandbox reject ORDER_ID [--json]
approve does, for an order of a sandbox account, what a person does at a real CA: it marks the
order's names as validated (all, or --domain NAME) and completes the OV/EV steps (organisation
validation, callback, click-through) unless --dcv-only. Then \`certdesk order collect ORDER_ID\`.
`

export const USAGE = `certdesk: keys, CSRs and Sectigo certificates from the command line.

Usage: certdesk [--data-dir DIR] [--json] [--passphrase-file FILE] <command> ...

Commands:
  csr new|decode|list|show|delete   make, inspect, list and delete CSRs (and their keys)
  keys list|delete            list stored keys (never the private part), delete one
  import PATH...              bring in certificates, chains, keys, PKCS#12, PKCS#7, ZIP; files and folders
  certs list|search|summary|show|expiring|...   certificates, what is due, notes, tags, inventory
  alerts [--all]|snooze|unsnooze    what needs you (due certificates, orders waiting or stuck, locked accounts)
  export ID                   write PEM/DER/chain/P7B/PFX/key/bundle, or a server preset
  vault status|setup-passphrase
  backup create|verify|restore      one encrypted file with every key, certificate and order
  account add|list|show|edit|remove|test   Sectigo accounts (passwords in the OS keychain only)
  order place|submit|list|show|sync|collect|reissue|renew|revoke|cancel|...   orders and their certificates
  dcv show|check|set-method|resend          domain control validation help for an order
  push start|stop|status      Sectigo's push notifications: the receiver, and what to give Sectigo
  endpoints add|list|show|check|remove      watch what servers serve (chain, renewal, revocation)
  sandbox serve               run the Sandbox CA (a local server speaking Sectigo's API)
  sandbox approve|reject ID   act as the CA for an order of a sandbox account
  doctor                      this installation's diagnostics for support (runtime, SQLite, keychain, crypto)

Global options:
  --data-dir DIR        database folder (default: CERTDESK_DATA_DIR or the per-user data folder)
  --json                machine-readable output
  --passphrase-file F   vault passphrase (only for vaults without an OS keychain), or CERTDESK_PASSPHRASE_FILE
  --help, --version

Deleting (keys, csr, certs delete) cannot be undone and needs --yes: certdesk does not prompt.

Exit codes: 0 success, 1 the operation failed (the message says why; doctor: something is broken), 2 usage error,
3 (order collect) the certificate is not issued yet: ask again later,
4 (certs expiring) a certificate expires soon and nothing replaces it yet; (alerts) an alert needs you,
10-14 (endpoints check) due, wrong certificate, chain problem, invalid, unreachable.
`

export const ALERTS_USAGE = `Usage: certdesk alerts [--all] [--json]
       certdesk alerts snooze ALERT [--hours N]
       certdesk alerts unsnooze ALERT

Lists what needs you, as the desktop app's notifications and Activity page show it: certificates due
for renewal, orders waiting on you (domain validation, OV callback, EV click-through) or stuck, Sectigo
accounts that stopped working. Exit code 4 when an alert needs you (not muted in Settings, not
snoozed), so cron can mail you. --all also lists alerts of kinds muted in Settings.

snooze hides an alert for N hours (default 24, at most 720) in its current state; a change of state
shows it again.
`

/** Usage mistakes: exit code 2 and a hint to --help. */
export class UsageError extends Error {}
