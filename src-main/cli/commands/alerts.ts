import { parseArgs } from 'node:util'
import { ALERTS_USAGE, UsageError } from '../usage'
import { call, printJson, table, type CliContext } from '../io'

/** `certdesk alerts` exits with this when an alert needs the user (for cron), as `certs expiring` does. */
export const EXIT_NEEDS_ACTION = 4
/** A snooze from the command line lasts this long unless --hours says otherwise. */
const DEFAULT_SNOOZE_HOURS = 24

export async function alertsCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  switch (sub ?? 'list') {
    case 'list':
      return alertsList(ctx, sub === undefined ? args : rest)
    case 'snooze':
    case 'unsnooze':
      return alertsSnooze(ctx, sub === 'snooze', rest)
    default:
      if (sub?.startsWith('-')) return alertsList(ctx, args)
      throw new UsageError(`Unknown alerts command "${sub}".\n${ALERTS_USAGE}`)
  }
}

async function alertsList(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { all: { type: 'boolean' } }, strict: true })
  const report = await call(ctx, 'alerts.list', {})
  const shown = values.all ? report.alerts : report.alerts.filter((a) => !a.muted)
  if (ctx.json) printJson(ctx, { ...report, alerts: shown })
  else if (shown.length === 0) ctx.io.stdout('No alerts: nothing needs you now.\n')
  else {
    const status = (a: (typeof shown)[number]): string => (a.muted ? 'muted' : a.snoozedUntil ? `snoozed until ${a.snoozedUntil.slice(0, 16)}` : a.needsAction ? 'needs you' : 'info')
    ctx.io.stdout(table(['ALERT', 'STATUS', 'SINCE', 'WHAT'], shown.map((a) => [a.key, status(a), a.since.slice(0, 16), a.title])))
    ctx.io.stdout(`${report.needsAction} need${report.needsAction === 1 ? 's' : ''} you. Snooze one with: certdesk alerts snooze ALERT [--hours N]\n`)
  }
  return report.needsAction > 0 ? EXIT_NEEDS_ACTION : 0
}

async function alertsSnooze(ctx: CliContext, snooze: boolean, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { hours: { type: 'string' } }, allowPositionals: true, strict: true })
  const key = positionals[0]
  if (!key || positionals.length > 1) throw new UsageError(ALERTS_USAGE)
  const hours = values.hours === undefined ? DEFAULT_SNOOZE_HOURS : Number(values.hours)
  if (!snooze && values.hours !== undefined) throw new UsageError(`--hours belongs to snooze.\n${ALERTS_USAGE}`)
  const alert = snooze ? await call(ctx, 'alerts.snooze', { key, hours }) : await call(ctx, 'alerts.unsnooze', { key })
  if (ctx.json) printJson(ctx, alert)
  else ctx.io.stdout(alert.snoozedUntil ? `Snoozed ${alert.key} until ${alert.snoozedUntil}.\n` : `${alert.key} is no longer snoozed.\n`)
  return 0
}
