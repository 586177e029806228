/**
 * The desktop app's part of updates: the core decides (newer? allowed? what the user is told,
 * core/updates); electron-updater downloads the release from the same feed, verifies its SHA-512
 * (and on Windows the publisher of the signed installer) and installs it when CertDesk quits.
 * Nothing is downloaded without the user pressing "Download and restart".
 */
import type { AppUpdater } from 'electron-updater'
import type { UpdateInstaller } from '../core/desktop-hooks'
import { CoreError } from '../core/errors'
import type { Logger } from '../core/log/logger'

export type UpdaterLike = Pick<AppUpdater, 'checkForUpdates' | 'downloadUpdate' | 'quitAndInstall'> & {
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  allowPrerelease: boolean
  logger: AppUpdater['logger']
}

/**
 * `getUpdater` is called on the first install only: electron-updater's autoUpdater reads the packaged
 * app-update.yml when it is created, which a development run does not have.
 */
export function electronUpdateInstaller(getUpdater: () => UpdaterLike, opts: { logger: Logger; allowPrerelease: () => boolean }): UpdateInstaller {
  const log = opts.logger.child({ component: 'updater' })
  let configured: UpdaterLike | null = null
  const updaterNow = (): UpdaterLike => {
    if (configured) return configured
    const updater = getUpdater()
    updater.autoDownload = false
    updater.autoInstallOnAppQuit = false
    updater.logger = { info: (m: unknown) => log.info(String(m)), warn: (m: unknown) => log.warn(String(m)), error: (m: unknown) => log.error(String(m)) }
    configured = updater
    return updater
  }
  return {
    downloadAndInstall: async (version) => {
      const updater = updaterNow()
      updater.allowPrerelease = opts.allowPrerelease()
      const found = await updater.checkForUpdates()
      if (found?.updateInfo.version !== version) {
        throw new CoreError('conflict', `The update server now offers ${found?.updateInfo.version ?? 'nothing'} instead of ${version}; check again.`)
      }
      await updater.downloadUpdate()
      log.info('update downloaded; restarting into it', { version })
      // Quits through will-quit, so the core stops cleanly (running Sectigo calls settle) first.
      setImmediate(() => updater.quitAndInstall(false, true))
    },
  }
}
