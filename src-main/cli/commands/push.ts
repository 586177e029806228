import { parseArgs } from 'node:util'
import type { PushStatus } from '../../core/orders/push-service'
import { PUSH_USAGE } from '../usage'
import { call, printJson, readSecretFile, UsageError, type CliContext } from '../io'

export async function pushCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  switch (sub ?? '') {
    case 'start':
      return pushStart(ctx, rest)
    case 'stop':
      return pushStop(ctx, rest)
    case 'status':
      return pushStatus(ctx, rest)
    default:
      throw new UsageError(sub ? `Unknown push command "${sub}".\n${PUSH_USAGE}` : PUSH_USAGE)
  }
}

function describe(s: PushStatus): string {
  const where = s.sectigoUrl ?? '(not configured)'
  return [
    `Push receiver: ${s.enabled ? 'on' : 'off'}${s.running ? ', listening in this process' : s.listening ? ', listening (another CertDesk process)' : ', not listening'}`,
    ...(s.url ? [`Listens on:    ${s.url}${s.host === '127.0.0.1' || s.host === '::1' ? ' (this computer only)' : ''}`] : []),
    `Give Sectigo:  URL ${where}`,
    `               username ${s.username ?? '-'}, and the password you set (${s.hasPassword ? 'kept in the OS keychain' : 'none stored'}; CertDesk never shows it)`,
    `Received:      ${s.received} this run${s.refusedLogins ? `, ${s.refusedLogins} refused logins` : ''}${s.throttled ? `, ${s.throttled} throttled` : ''}${s.lastNotificationAt ? `, last at ${s.lastNotificationAt}` : ''}`,
  ].join('\n')
}

/**
 * `push start`: saves the receiver's settings as on and runs it in the foreground with the order
 * scheduler (a push makes its order due; the scheduler polls it), until Ctrl-C or `push stop`.
 */
async function pushStart(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      username: { type: 'string' },
      'password-file': { type: 'string' },
      'public-url': { type: 'string' },
    },
    strict: true,
  })
  const saved = await call(ctx, 'push.status', {})
  const port = values.port ?? (saved.port !== null ? String(saved.port) : undefined)
  if (!port || !/^\d{1,5}$/.test(port)) throw new UsageError(`--port N is required the first time.\n${PUSH_USAGE}`)
  const username = values.username ?? saved.username
  if (!username) throw new UsageError(`--username NAME is required the first time.\n${PUSH_USAGE}`)
  const password = values['password-file'] ? await readSecretFile(ctx, values['password-file']) : undefined
  const host = values.host ?? saved.host ?? undefined
  const publicUrl = values['public-url'] ?? saved.publicUrl ?? undefined
  const st = await call(ctx, 'push.start', {
    port: Number(port),
    username,
    ...(host ? { host } : {}),
    ...(password ? { password } : {}),
    ...(publicUrl ? { publicUrl } : {}),
  })
  if (ctx.json) printJson(ctx, st)
  else ctx.io.stdout(`${describe(st)}\nRunning until Ctrl-C or \`certdesk push stop\`.\n`)
  const core = await ctx.core()
  await core.scheduler.start()
  const stop = new AbortController()
  const onSignal = (): void => stop.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    const why = await core.push.runWhileEnabled({ signal: stop.signal, sleep })
    if (!ctx.json) ctx.io.stdout(why === 'stopped' ? 'Push receiver stopped (push stop).\n' : 'Push receiver stopped.\n')
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  return 0
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const t = setTimeout(done, ms)
    function done(): void {
      clearTimeout(t)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done)
  })
}

async function pushStop(ctx: CliContext, args: string[]): Promise<number> {
  parseArgs({ args, options: {}, strict: true })
  const st = await call(ctx, 'push.stop', {})
  if (ctx.json) printJson(ctx, st)
  else ctx.io.stdout('Push receiver off. A `certdesk push start` running elsewhere stops within seconds; the app and web shell stop theirs at their next start (or from Settings).\n')
  return 0
}

async function pushStatus(ctx: CliContext, args: string[]): Promise<number> {
  parseArgs({ args, options: {}, strict: true })
  const st = await call(ctx, 'push.status', {})
  if (ctx.json) printJson(ctx, st)
  else ctx.io.stdout(`${describe(st)}\n`)
  return 0
}
