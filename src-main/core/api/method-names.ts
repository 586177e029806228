/**
 * The names of every contract method, as plain data. The sandboxed preload builds `window.certdesk`
 * from this list (it cannot load zod); contract.ts checks at compile time that the two agree.
 */
export const METHOD_NAMES = [
  'app.info',
  'vault.status',
  'vault.setupPassphrase',
  'vault.unlock',
  'keys.list',
  'keys.get',
  'csrs.generate',
  'csrs.checkDraft',
  'csrs.list',
  'csrs.get',
  'csrs.decode',
  'csrs.lint',
  'csrs.import',
  'certs.list',
  'certs.get',
  'certs.importText',
  'certs.importBytes',
  'certs.importFile',
  'certs.exportToFile',
  'certs.exportPreset',
  'certs.download',
  'certs.presets',
] as const

export type MethodNameList = (typeof METHOD_NAMES)[number]

/** IPC channel prefix: the Electron IPC layer accepts nothing outside it. */
export const IPC_PREFIX = 'certdesk:'
