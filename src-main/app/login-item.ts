/**
 * "Start CertDesk when I log in" (Settings, off by default). macOS and Windows keep login items
 * themselves (app.setLoginItemSettings); Electron has none on Linux, where desktops read XDG autostart
 * entries (~/.config/autostart/*.desktop, freedesktop.org Desktop Application Autostart spec).
 * Started at login, CertDesk opens in the tray without a window.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { LoginItemSettings, LoginItemSettingsOptions, Settings } from 'electron'
import type { LoginItem } from '../core/desktop-hooks'

/** Passed by the login item: start in the tray, without opening the window. */
export const HIDDEN_ARG = '--hidden'
export const AUTOSTART_FILE = 'certdesk.desktop'

export interface LoginItemApp {
  getLoginItemSettings(options?: LoginItemSettingsOptions): Pick<LoginItemSettings, 'openAtLogin' | 'wasOpenedAtLogin'>
  setLoginItemSettings(settings: Settings): void
}

/** A desktop entry's Exec argument, quoted as the spec asks ("…" with \", \`, \$ and \\ escaped). */
export function quoteExec(arg: string): string {
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`
}

export function autostartEntry(executable: string): string {
  return ['[Desktop Entry]', 'Type=Application', 'Name=CertDesk', 'Comment=Certificate manager: tracks orders and renewals in the background', `Exec=${quoteExec(executable)} ${HIDDEN_ARG}`, 'Terminal=false', 'X-GNOME-Autostart-enabled=true', ''].join('\n')
}

export function loginItem(opts: { app: LoginItemApp; platform: NodeJS.Platform; executable: string; env?: NodeJS.ProcessEnv }): LoginItem {
  if (opts.platform === 'linux') {
    const env = opts.env ?? process.env
    const dir = join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'autostart')
    const file = join(dir, AUTOSTART_FILE)
    return {
      get: () => existsSync(file),
      set: (on) => {
        if (!on) return rmSync(file, { force: true })
        mkdirSync(dir, { recursive: true })
        writeFileSync(file, autostartEntry(opts.executable), { mode: 0o644 })
      },
    }
  }
  // Windows matches the entry by path and arguments, so both calls name the same arguments.
  const args = opts.platform === 'win32' ? [HIDDEN_ARG] : []
  return {
    get: () => opts.app.getLoginItemSettings({ args }).openAtLogin,
    set: (on) => opts.app.setLoginItemSettings({ openAtLogin: on, args }),
  }
}

/** True when this run was started by the login item: stay in the tray. */
export function startedAtLogin(argv: readonly string[], app: LoginItemApp, platform: NodeJS.Platform): boolean {
  return argv.includes(HIDDEN_ARG) || (platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin)
}
