/**
 * Debian's Chromium as every browser test launches it (Playwright's own browsers cannot be downloaded
 * here): the binary, and flags that keep it from reaching the network or needing a GPU or a sandbox.
 */
export const CHROMIUM_PATH = process.env.CERTDESK_CHROMIUM ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]
