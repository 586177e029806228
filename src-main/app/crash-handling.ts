/**
 * Crashes: Electron's crash reporter keeps minidumps in the local crash folder and never uploads them
 * (the user can attach one to a bug report); a renderer that goes away and child processes that die
 * are logged, and the user is offered a reload instead of a blank window.
 */
import type { App, CrashReporterStartOptions, MessageBoxOptions, MessageBoxReturnValue } from 'electron'
import type { Logger } from '../core/log/logger'

/** Starts the crash reporter: local dumps only. Call before `ready`, as early as possible. */
export function startLocalCrashReporter(crashReporter: { start(options: CrashReporterStartOptions): void }): void {
  crashReporter.start({ submitURL: '', uploadToServer: false, compress: true, ignoreSystemCrashHandler: false })
}

export interface GoneContents {
  isDestroyed(): boolean
  reload(): void
}

export interface CrashDeps {
  app: Pick<App, 'on'>
  showMessageBox: (options: MessageBoxOptions) => Promise<MessageBoxReturnValue>
  /** Opens a new window when the one that crashed is gone. */
  reopen: () => void
  logger: Logger
}

/** Child processes whose loss breaks the window (the GPU process draws it); others are only logged. */
const WINDOW_PROCESSES: readonly string[] = ['GPU']

export function installCrashHandlers(deps: CrashDeps): void {
  let asking = false
  const offerReload = (what: string, reason: string, contents: GoneContents | null): void => {
    if (asking) return
    asking = true
    deps
      .showMessageBox({
        type: 'error',
        title: 'CertDesk',
        message: `The CertDesk window stopped (${what}: ${reason}).`,
        detail: 'Nothing you saved is lost, and orders keep being tracked. Reload the window to continue; the log in the data folder says what happened.',
        buttons: ['Reload', 'Not now'],
        defaultId: 0,
        cancelId: 1,
      })
      .then(({ response }) => {
        if (response !== 0) return
        if (contents && !contents.isDestroyed()) contents.reload()
        else deps.reopen()
      })
      .catch((e: unknown) => deps.logger.error('could not offer a reload', { error: e }))
      .finally(() => {
        asking = false
      })
  }
  deps.app.on('render-process-gone', (_event, contents, details) => {
    deps.logger.error('renderer process gone', { reason: details.reason, exitCode: details.exitCode })
    if (details.reason !== 'clean-exit') offerReload('renderer', details.reason, contents)
  })
  deps.app.on('child-process-gone', (_event, details) => {
    const fields = { type: details.type, reason: details.reason, exitCode: details.exitCode, serviceName: details.serviceName ?? null, name: details.name ?? null }
    if (details.reason === 'clean-exit') return deps.logger.info('child process exited', fields)
    deps.logger.error('child process gone', fields)
    if (WINDOW_PROCESSES.includes(details.type)) offerReload(details.type, details.reason, null)
  })
}
