import { buildDiagnostics } from '../../diagnostics/diagnostics'
import { formatDoctor } from '../../diagnostics/doctor-text'
import { listEvents } from '../../store/events-repo'
import type { Handlers } from '../dispatch'
import { doctorReport } from './diagnostics-handlers'

type AppMethods =
  | 'app.diagnostics'
  | 'alerts.list'
  | 'alerts.claim'
  | 'alerts.snooze'
  | 'alerts.unsnooze'
  | 'activity.list'
  | 'settings.get'
  | 'settings.update'
  | 'updates.check'
  | 'updates.install'

/** How many audit events the Activity page gets when it does not ask for a number. */
const DEFAULT_ACTIVITY_EVENTS = 100

export const appHandlers: Pick<Handlers, AppMethods> = {
  'app.diagnostics': (_input, ctx) =>
    buildDiagnostics({
      version: ctx.version,
      frontDoor: ctx.frontDoor,
      dataDir: ctx.core.dataDir,
      trustStore: ctx.core.trustStore,
      network: ctx.core.network,
      doctor: async () => formatDoctor(await doctorReport(ctx)),
      now: ctx.core.clock.now(),
    }),
  'alerts.list': (_input, ctx) => ctx.core.alerts.list(),
  'alerts.claim': (input, ctx) => ctx.core.alerts.claim(input.channel),
  'alerts.snooze': (input, ctx) => ctx.core.alerts.snooze(input.key, input.hours, ctx.actor),
  'alerts.unsnooze': (input, ctx) => ctx.core.alerts.unsnooze(input.key, ctx.actor),
  'activity.list': (input, ctx) => ({ events: listEvents(ctx.core.db, { limit: input.limit ?? DEFAULT_ACTIVITY_EVENTS, ...(input.beforeId !== undefined ? { beforeId: input.beforeId } : {}) }) }),
  'settings.get': (_input, ctx) => ctx.core.settings.view(),
  'settings.update': (input, ctx) => {
    const quiet = input.alerts?.quietHours
    return ctx.core.settings.update(
      {
        ...(input.alerts ? { alerts: { ...(input.alerts.muted ? { muted: input.alerts.muted } : {}), ...(quiet ? { quietHours: Object.fromEntries(Object.entries(quiet).filter(([, v]) => v !== undefined)) } : {}) } } : {}),
        ...(input.updates ? { updates: Object.fromEntries(Object.entries(input.updates).filter(([, v]) => v !== undefined)) } : {}),
        ...(input.desktop?.startAtLogin !== undefined ? { desktop: { startAtLogin: input.desktop.startAtLogin } } : {}),
      },
      ctx.actor,
    )
  },
  'updates.check': (_input, ctx) => ctx.core.updates.check(ctx.version, ctx.actor),
  'updates.install': (input, ctx) => ctx.core.updates.install(input.version, ctx.version, ctx.actor),
}
