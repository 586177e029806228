import type { AlertSettings } from '../settings/settings-service'

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/**
 * True inside the quiet hours, in the computer's local time. A span whose end is before its start runs
 * over midnight (22:00-07:00); equal start and end means no quiet time at all.
 */
export function isQuietTime(q: AlertSettings['quietHours'], now: Date): boolean {
  if (!q.enabled) return false
  const m = now.getHours() * 60 + now.getMinutes()
  const start = minutes(q.start)
  const end = minutes(q.end)
  if (start === end) return false
  return start < end ? m >= start && m < end : m >= start || m < end
}
