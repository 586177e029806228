import { readdirSync, readFileSync } from 'node:fs'

/**
 * The process ids of the running gnome-keyring daemons (from /proc, their command name cut to 15 characters).
 * gnome-keyring-daemon itself can die under many concurrent clients (scripts/with-keyring.sh); its
 * watchdog then starts a new one, and a command caught in between is refused by the keychain, or waits
 * on an unlock prompt that cannot be shown.
 */
export function keyringDaemons(): string {
  const ids: string[] = []
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'gnome-keyring-d') ids.push(pid)
    } catch {
      // gone meanwhile
    }
  }
  return ids.sort().join(',')
}
