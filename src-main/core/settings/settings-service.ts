import { randomInt } from 'node:crypto'
import type { z } from 'zod'
import { ALERT_KIND_LABELS, ALERT_KINDS, type AlertKind } from '../alerts/alert-kinds'
import type { DesktopHooks } from '../desktop-hooks'
import { CoreError } from '../errors'
import type { Db } from '../store/db'
import { recordEvent, type Actor } from '../store/events-repo'
import { readSetting, writeSetting } from '../store/settings-repo'
import type { Clock } from '../util/clock'
import { lazyZod } from '../util/lazy-zod'
import { once } from '../util/once'

/** "HH:MM", 24-hour, local time. */
export const CLOCK_TIME = { pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: 'a time as HH:MM (24-hour)' } as const

// The schemas are built on first use, with zod loaded then (util/lazy-zod.ts): every front door opens
// the settings service, and most commands never read a setting.
const clockTime = once(() => lazyZod().string().regex(CLOCK_TIME.pattern, CLOCK_TIME.message))

const alertSettings = once(() => {
  const z = lazyZod()
  return z.object({
    /** Kinds the user turned off: not notified, not counted as needing action. */
    muted: z.array(z.enum(ALERT_KINDS)).default([]),
    /** No notifications between start and end (local time; may span midnight). Alerts wait, they are not lost. */
    quietHours: z.object({ enabled: z.boolean().default(false), start: clockTime().default('22:00'), end: clockTime().default('07:00') }).default({ enabled: false, start: '22:00', end: '07:00' }),
  })
})
export type AlertSettings = z.infer<ReturnType<typeof alertSettings>>

/** Staged rollouts (latest.yml stagingPercentage) compare against this per-installation number. */
export const ROLLOUT_BUCKETS = 100

const updateSettings = once(() => {
  const z = lazyZod()
  return z.object({
    /**
     * Off by default: CertDesk is offline-first and asks no server anything the user did not turn on.
     * "Check now" works either way.
     */
    checkAutomatically: z.boolean().default(false),
    allowPrerelease: z.boolean().default(false),
    /** A version the user chose to skip; newer ones are offered again. */
    skippedVersion: z.string().max(64).nullable().default(null),
    rolloutBucket: z.number().int().min(0).max(ROLLOUT_BUCKETS - 1).nullable().default(null),
    lastCheckedAt: z.string().max(40).nullable().default(null),
  })
})
export type UpdateSettings = z.infer<ReturnType<typeof updateSettings>>

const desktopSettings = once(() =>
  lazyZod().object({
    /** Off by default, one switch; the OS login item is the truth where the desktop app runs. */
    startAtLogin: lazyZod().boolean().default(false),
  }),
)

export interface SettingsView {
  alerts: AlertSettings
  /** Every alert kind with the words Settings shows for it. */
  alertKinds: { kind: AlertKind; label: string }[]
  updates: { checkAutomatically: boolean; allowPrerelease: boolean; skippedVersion: string | null; lastCheckedAt: string | null }
  desktop: { startAtLogin: boolean; /** False in the web shell and CLI: only the desktop app can change OS login items. */ available: boolean }
}

export interface SettingsPatch {
  alerts?: { muted?: AlertSettings['muted']; quietHours?: Partial<AlertSettings['quietHours']> }
  updates?: { checkAutomatically?: boolean; allowPrerelease?: boolean; skippedVersion?: string | null }
  desktop?: { startAtLogin?: boolean }
}

function parsed<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value ?? {})
  // A damaged document falls back to the defaults rather than stopping the app.
  return r.success ? r.data : schema.parse({})
}

/** The user's settings, stored in the database (migration 0008). */
export class SettingsService {
  readonly #db: Db
  readonly #clock: Clock
  readonly #desktop: DesktopHooks

  constructor(opts: { db: Db; clock: Clock; desktop?: DesktopHooks }) {
    this.#db = opts.db
    this.#clock = opts.clock
    this.#desktop = opts.desktop ?? {}
  }

  alerts(): AlertSettings {
    return parsed(alertSettings(), readSetting(this.#db, 'alerts'))
  }

  updates(): UpdateSettings {
    const u = parsed(updateSettings(), readSetting(this.#db, 'updates'))
    if (u.rolloutBucket !== null) return u
    const withBucket = { ...u, rolloutBucket: randomInt(ROLLOUT_BUCKETS) }
    writeSetting(this.#db, 'updates', withBucket, this.#clock.now().toISOString())
    return withBucket
  }

  view(): SettingsView {
    const u = this.updates()
    const login = this.#desktop.loginItem
    return {
      alerts: this.alerts(),
      alertKinds: ALERT_KINDS.map((kind) => ({ kind, label: ALERT_KIND_LABELS[kind] })),
      updates: { checkAutomatically: u.checkAutomatically, allowPrerelease: u.allowPrerelease, skippedVersion: u.skippedVersion, lastCheckedAt: u.lastCheckedAt },
      desktop: { startAtLogin: login ? login.get() : parsed(desktopSettings(), readSetting(this.#db, 'desktop')).startAtLogin, available: login !== undefined },
    }
  }

  update(patch: SettingsPatch, actor: Actor): SettingsView {
    const at = this.#clock.now().toISOString()
    const changed: string[] = []
    if (patch.desktop?.startAtLogin !== undefined) {
      const login = this.#desktop.loginItem
      if (!login) throw new CoreError('invalid_input', 'Starting at login is a setting of the desktop app; change it there (Settings, "Start CertDesk when I log in").')
      login.set(patch.desktop.startAtLogin)
      changed.push('desktop.startAtLogin')
    }
    this.#db.transaction(() => {
      if (patch.alerts) {
        const a = this.alerts()
        const next = alertSettings().parse({ muted: patch.alerts.muted ?? a.muted, quietHours: { ...a.quietHours, ...patch.alerts.quietHours } })
        writeSetting(this.#db, 'alerts', next, at)
        changed.push(...Object.keys(patch.alerts).map((k) => `alerts.${k}`))
      }
      if (patch.updates) {
        const next = updateSettings().parse({ ...this.updates(), ...patch.updates })
        writeSetting(this.#db, 'updates', next, at)
        changed.push(...Object.keys(patch.updates).map((k) => `updates.${k}`))
      }
      if (patch.desktop?.startAtLogin !== undefined) writeSetting(this.#db, 'desktop', { startAtLogin: patch.desktop.startAtLogin }, at)
      if (changed.length) recordEvent(this.#db, this.#clock, { actor, action: 'settings.updated', subjectType: 'settings', detail: { changed } })
    }).immediate()
    return this.view()
  }

  /** Remembers when the update check last ran (not a user change: no audit event). */
  markUpdateChecked(at: Date): void {
    writeSetting(this.#db, 'updates', { ...this.updates(), lastCheckedAt: at.toISOString() }, at.toISOString())
  }
}
