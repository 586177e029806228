import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { CoreError } from './errors'

export const DB_FILE_NAME = 'certdesk.db'
/** The data folder holds encrypted keys: owner-only. */
const DATA_DIR_MODE = 0o700

/**
 * Where CertDesk keeps its database, shared by the app, the web shell and the CLI so they see the
 * same keys and orders: CERTDESK_DATA_DIR if set, else the platform's per-user data folder.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CERTDESK_DATA_DIR) return env.CERTDESK_DATA_DIR
  const home = homedir()
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'CertDesk')
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'CertDesk')
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'certdesk')
}

/**
 * Where exports requested from the UI are written: `~/Downloads/CertDesk` when a Downloads folder
 * exists, else `exports` in the data folder. The renderer names files, never folders.
 */
export function defaultExportDir(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.CERTDESK_EXPORT_DIR) return env.CERTDESK_EXPORT_DIR
  const downloads = join(homedir(), 'Downloads')
  return existsSync(downloads) ? join(downloads, 'CertDesk') : join(dataDir, 'exports')
}

export function ensureDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE })
    if (process.platform !== 'win32' && (statSync(dir).mode & 0o077) !== 0) chmodSync(dir, DATA_DIR_MODE)
  } catch (e) {
    throw new CoreError('io_error', `Cannot use the data folder ${dir}: ${(e as Error).message}. Choose another with --data-dir or CERTDESK_DATA_DIR.`, { cause: e })
  }
}
