import * as nodeModule from 'node:module'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** Folder under the OS cache folder where Node keeps the compiled code of CertDesk's modules. */
export const COMPILE_CACHE_FOLDER = 'node-compile-cache'

/** The per-user cache folder of this OS (XDG on Linux, Library/Caches on macOS, LOCALAPPDATA on Windows). */
export function osCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'CertDesk', 'Cache')
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'CertDesk')
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'certdesk')
}

/**
 * Turns on Node's module compile cache (node:module enableCompileCache, Node 22.1+) so a second run of
 * the CLI skips compiling the bundles and their dependencies (zod and undici alone take 100 ms or more
 * each to compile). Harmless where unsupported or refused: an older runtime lacks the function, a
 * NODE_COMPILE_CACHE already set wins, NODE_DISABLE_COMPILE_CACHE turns it off, and a cache folder
 * that cannot be written only means compiling as before. Returns the folder in use, or null.
 */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): string | null {
  const enable = (nodeModule as { enableCompileCache?: (dir?: string) => { status: number; directory?: string } }).enableCompileCache
  if (typeof enable !== 'function') return null
  try {
    const result = enable(join(osCacheDir(env), COMPILE_CACHE_FOLDER))
    return result.directory ?? null
  } catch {
    return null
  }
}
