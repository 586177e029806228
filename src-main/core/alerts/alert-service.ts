import type { CertificateService } from '../certs/certificate-service'
import { CoreError } from '../errors'
import type { Logger } from '../log/logger'
import { listLiveAccounts } from '../store/accounts-repo'
import { deliveredFingerprint, forgetDeliveries, getAlertState, listAlertStates, putAlertState, recordDelivery, type AlertChannel, type AlertStateRow } from '../store/alerts-repo'
import type { Db } from '../store/db'
import { recordEvent, type Actor } from '../store/events-repo'
import { listOrderDomains, listOrderRows, type OrderRow } from '../store/orders-repo'
import { getCsr } from '../store/csrs-repo'
import type { SettingsService } from '../settings/settings-service'
import type { Clock } from '../util/clock'
import type { AlertKind } from './alert-kinds'
import { listEndpointProblems } from '../endpoints/problems'
import { deriveAlerts, type DerivedAlert } from './derive'
import { isQuietTime } from './quiet-hours'

/** The longest snooze (a month): longer than that, mute the kind in Settings instead. */
export const MAX_SNOOZE_HOURS = 24 * 30
/** Orders looked at per refresh: finished ones long ago cannot raise alerts, and the newest come first. */
export const ALERT_ORDER_SCAN_LIMIT = 2000

/** An alert as every front door shows it. */
export interface AlertView {
  key: string
  kind: AlertKind
  title: string
  body: string
  link: string
  subjectType: DerivedAlert['subjectType']
  subjectId: string
  /** The state it is in (a change shows it again). */
  state: string
  /** When it entered this state. */
  since: string
  needsAction: boolean
  /** Snoozed (for this state) until then; null when not snoozed. */
  snoozedUntil: string | null
  /** Its kind is turned off in Settings. */
  muted: boolean
}

export interface AlertsReport {
  checkedAt: string
  /** Active alerts, newest state first. */
  alerts: AlertView[]
  /** Alerts that need the user: not muted, not snoozed. `certdesk alerts` exits non-zero when above 0. */
  needsAction: number
  /** Notifications wait: the quiet hours hold now. */
  quiet: boolean
}

export interface AlertServiceOptions {
  db: Db
  clock: Clock
  logger: Logger
  certs: CertificateService
  settings: SettingsService
}

/**
 * Alerts, derived once here for every front door: the desktop app's OS notifications, the web shell's
 * browser notifications, `certdesk alerts`. Each refresh compares what holds now with what was stored:
 * a new key or a new state (fingerprint) is raised, a key that no longer holds is cleared, both in the
 * audit trail. Each channel shows an alert once per state (claim), snoozes hold for the state they were
 * given in, muted kinds and quiet hours are respected.
 */
export class AlertService {
  readonly #o: AlertServiceOptions

  constructor(opts: AlertServiceOptions) {
    this.#o = opts
  }

  /**
   * Re-derives the alerts and stores their states; returns the active ones. Raising and clearing are
   * CertDesk's doing, whoever looked: the audit trail names the system.
   */
  refresh(): AlertStateRow[] {
    return this.#refresh().map((a) => a.row)
  }

  #refresh(): { row: AlertStateRow; alert: DerivedAlert }[] {
    const actor: Actor = 'system'
    const { db, clock } = this.#o
    const now = clock.now()
    const derived = this.#derive(now)
    const at = now.toISOString()
    return db.transaction(() => {
      const stored = new Map(listAlertStates(db).map((r) => [r.key, r]))
      const seen = new Set<string>()
      const active: { row: AlertStateRow; alert: DerivedAlert }[] = []
      for (const a of derived) {
        if (seen.has(a.key)) continue
        seen.add(a.key)
        const old = stored.get(a.key)
        const changed = !old || old.clearedAt !== null || old.fingerprint !== a.fingerprint
        const row: AlertStateRow = {
          key: a.key,
          kind: a.kind,
          subjectType: a.subjectType,
          subjectId: a.subjectId,
          fingerprint: a.fingerprint,
          title: a.title,
          firstSeenAt: changed ? at : (old?.firstSeenAt ?? at),
          lastSeenAt: at,
          clearedAt: null,
          // A snooze is for one state: a change (or the alert coming back) ends it.
          snoozedUntil: !changed || old?.snoozedFingerprint === a.fingerprint ? (old?.snoozedUntil ?? null) : null,
          snoozedFingerprint: !changed || old?.snoozedFingerprint === a.fingerprint ? (old?.snoozedFingerprint ?? null) : null,
        }
        if (old?.clearedAt) forgetDeliveries(db, a.key)
        putAlertState(db, row)
        if (changed) recordEvent(db, clock, { actor, action: 'alert.raised', subjectType: a.subjectType, subjectId: a.subjectId, detail: { alert: a.key, kind: a.kind, state: a.fingerprint, title: a.title } })
        active.push({ row, alert: a })
      }
      for (const old of stored.values()) {
        if (old.clearedAt !== null || seen.has(old.key)) continue
        putAlertState(db, { ...old, clearedAt: at })
        recordEvent(db, clock, { actor, action: 'alert.cleared', subjectType: old.subjectType, subjectId: old.subjectId, detail: { alert: old.key, kind: old.kind, state: old.fingerprint } })
      }
      return active
    }).immediate()
  }

  /** Active alerts as every front door shows them. */
  list(): AlertsReport {
    const now = this.#o.clock.now()
    const settings = this.#o.settings.alerts()
    const views = this.#refresh()
      .map(({ row, alert }) => this.#view(row, alert, settings.muted, now))
      .sort((a, b) => b.since.localeCompare(a.since) || a.key.localeCompare(b.key))
    return {
      checkedAt: now.toISOString(),
      alerts: views,
      needsAction: views.filter((v) => v.needsAction && !v.muted && v.snoozedUntil === null).length,
      quiet: isQuietTime(settings.quietHours, now),
    }
  }

  /**
   * Alerts a channel has not shown in their current state, marked shown as they are handed out: the
   * caller shows each one once. Nothing during quiet hours (they wait), nothing muted or snoozed.
   */
  claim(channel: AlertChannel): AlertView[] {
    const report = this.list()
    if (report.quiet) return []
    const { db, clock } = this.#o
    const at = clock.now().toISOString()
    return db.transaction(() =>
      report.alerts.filter((a) => {
        if (a.muted || a.snoozedUntil !== null || deliveredFingerprint(db, a.key, channel) === a.state) return false
        recordDelivery(db, a.key, channel, a.state, at)
        return true
      }),
    ).immediate()
  }

  /** Quiet for `hours`, for the state it is in now; a state change ends the snooze. */
  snooze(key: string, hours: number, actor: Actor): AlertView {
    if (!Number.isInteger(hours) || hours < 1 || hours > MAX_SNOOZE_HOURS) throw new CoreError('invalid_input', `Snooze for 1 to ${MAX_SNOOZE_HOURS} hours; to stop an alert kind for good, turn it off in Settings.`)
    return this.#setSnooze(key, hours, actor)
  }

  unsnooze(key: string, actor: Actor): AlertView {
    return this.#setSnooze(key, null, actor)
  }

  #setSnooze(key: string, hours: number | null, actor: Actor): AlertView {
    const { db, clock } = this.#o
    this.refresh()
    const row = getAlertState(db, key)
    if (!row || row.clearedAt !== null) throw new CoreError('not_found', `No active alert "${key.slice(0, 200)}"; it may have ended already. \`certdesk alerts\` lists the current ones.`)
    const now = clock.now()
    const until = hours === null ? null : new Date(now.getTime() + hours * 3_600_000).toISOString()
    db.transaction(() => {
      putAlertState(db, { ...row, snoozedUntil: until, snoozedFingerprint: until ? row.fingerprint : null })
      recordEvent(db, clock, { actor, action: until ? 'alert.snoozed' : 'alert.unsnoozed', subjectType: row.subjectType, subjectId: row.subjectId, detail: { alert: key, until } })
    }).immediate()
    const view = this.list().alerts.find((a) => a.key === key)
    if (!view) throw new CoreError('not_found', `The alert "${key.slice(0, 200)}" ended.`)
    return view
  }

  #view(row: AlertStateRow, d: DerivedAlert, muted: readonly AlertKind[], now: Date): AlertView {
    const snoozed = row.snoozedUntil !== null && row.snoozedFingerprint === row.fingerprint && Date.parse(row.snoozedUntil) > now.getTime()
    return {
      key: d.key,
      kind: d.kind,
      title: d.title,
      body: d.body,
      link: d.link,
      subjectType: d.subjectType,
      subjectId: d.subjectId,
      state: d.fingerprint,
      since: row.firstSeenAt,
      needsAction: d.needsAction,
      snoozedUntil: snoozed ? row.snoozedUntil : null,
      muted: muted.includes(d.kind),
    }
  }

  #derive(now: Date): DerivedAlert[] {
    const { db, certs } = this.#o
    const names = new Map<string, string>()
    const orderName = (o: OrderRow): string => {
      const cached = names.get(o.id)
      if (cached) return cached
      const csr = o.csrId ? getCsr(db, o.csrId) : null
      const name = csr?.commonName ?? listOrderDomains(db, o.id)[0]?.domain ?? o.id
      names.set(o.id, name)
      return name
    }
    return deriveAlerts({
      // The renewal rule lives in certs/expiry.ts; its report's `due` list is what is due.
      dueCertificates: certs.expiring(null).due,
      orders: listOrderRows(db, { limit: ALERT_ORDER_SCAN_LIMIT }),
      domainsOf: (id) => listOrderDomains(db, id),
      accounts: listLiveAccounts(db),
      endpointProblems: listEndpointProblems(db),
      orderName,
      now,
    })
  }
}
