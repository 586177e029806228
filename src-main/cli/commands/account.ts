import { parseArgs } from 'node:util'
import type { AccountSummary } from '../../core/accounts/account-service'
import { CoreError } from '../../core/errors'
import { ACCOUNT_USAGE } from '../usage'
import { call, printJson, readSecretFile, table, UsageError, type CliContext } from '../io'

const ENVIRONMENTS: Record<string, 'production' | 'test_mode' | 'sandbox'> = {
  production: 'production',
  prod: 'production',
  test: 'test_mode',
  test_mode: 'test_mode',
  'test-mode': 'test_mode',
  sandbox: 'sandbox',
}

export async function accountCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  switch (sub ?? '') {
    case 'add':
      return accountAdd(ctx, rest)
    case 'list':
      return accountList(ctx, rest)
    case 'show':
      return accountShow(ctx, rest)
    case 'edit':
      return accountEdit(ctx, rest)
    case 'remove':
      return accountRemove(ctx, rest)
    case 'test':
      return accountTest(ctx, rest)
    default:
      throw new UsageError(sub ? `Unknown account command "${sub}".\n${ACCOUNT_USAGE}` : ACCOUNT_USAGE)
  }
}

/** An account id or label, resolved through the contract. */
export async function resolveAccount(ctx: CliContext, ref: string): Promise<AccountSummary> {
  const all = await call(ctx, 'accounts.list', {})
  const hit = all.find((a) => a.id === ref) ?? all.find((a) => a.label === ref)
  if (!hit) throw new CoreError('not_found', `No account with id or label "${ref}". \`certdesk account list\` shows them.`)
  return hit
}

/** A password typed at a terminal, not echoed. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // node:readline when a prompt is shown: certs and order import this module, and their listings need none (issue 15).
    const rl = process.getBuiltinModule('node:readline').createInterface({ input: process.stdin, output: process.stderr, terminal: true })
    const output = rl as unknown as { _writeToOutput?: (s: string) => void }
    process.stderr.write(question)
    output._writeToOutput = () => undefined
    rl.question('', (answer) => {
      rl.close()
      process.stderr.write('\n')
      resolve(answer)
    })
    rl.on('SIGINT', () => {
      rl.close()
      reject(new CoreError('invalid_input', 'Cancelled.'))
    })
  })
}

async function readPassword(ctx: CliContext, file: string | undefined, prompt: boolean): Promise<string | undefined> {
  if (file !== undefined) return readSecretFile(ctx, file)
  if (!prompt) return undefined
  if (!process.stdin.isTTY) throw new UsageError('No terminal to ask for the password: give --password-file FILE, or --password-file - to read it from standard input.')
  const pw = await promptHidden('Sectigo API password: ')
  if (pw === '') throw new CoreError('invalid_input', 'The password is empty.')
  return pw
}

function describe(a: AccountSummary): string {
  const lines = [
    `Account:   ${a.id} "${a.label}"`,
    `Login:     ${a.loginName}`,
    `Where:     ${a.environmentLabel} (${a.endpointDescription})`,
    `Password:  ${a.hasPassword ? 'stored in the OS keychain' : `not available: ${a.passwordProblem ?? a.passwordState}`}`,
    `Status:    ${a.status === 'ok' ? 'ok' : `STOPPED since ${a.statusChangedAt ?? '?'}: ${a.statusMessage ?? ''} Edit the login or password to resume.`}`,
  ]
  return `${lines.join('\n')}\n`
}

async function accountAdd(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { label: { type: 'string' }, env: { type: 'string' }, login: { type: 'string' }, 'base-url': { type: 'string' }, 'password-file': { type: 'string' } },
    strict: true,
  })
  if (!values.label) throw new UsageError(`--label is required.\n${ACCOUNT_USAGE}`)
  const environment = ENVIRONMENTS[(values.env ?? '').toLowerCase()]
  if (!environment) throw new UsageError(`--env must be production, test or sandbox.\n${ACCOUNT_USAGE}`)
  const loginName = values.login ?? (environment === 'sandbox' ? 'sandbox' : undefined)
  if (!loginName) throw new UsageError(`--login is required (the Sectigo API login name).\n${ACCOUNT_USAGE}`)
  // Sandbox accounts default to the demo password; others are asked for it.
  const password = await readPassword(ctx, values['password-file'], environment !== 'sandbox')
  const a = await call(ctx, 'accounts.add', {
    label: values.label,
    loginName,
    environment,
    ...(password !== undefined ? { password } : {}),
    ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
  })
  if (ctx.json) printJson(ctx, a)
  else ctx.io.stdout(`Added account ${a.id} "${a.label}" (${a.environmentLabel}); its password is in the OS keychain.\nCheck the login with: certdesk account test ${a.label}\n`)
  return 0
}

async function accountList(ctx: CliContext, args: string[]): Promise<number> {
  parseArgs({ args, options: {}, strict: true })
  const list = await call(ctx, 'accounts.list', {})
  if (ctx.json) printJson(ctx, list)
  else if (list.length === 0) ctx.io.stdout('No accounts yet. Try the Sandbox CA: certdesk account add --label demo --env sandbox\n')
  else {
    ctx.io.stdout(
      table(
        ['ID', 'LABEL', 'LOGIN', 'ENVIRONMENT', 'PASSWORD', 'STATUS'],
        list.map((a) => [a.id, a.label, a.loginName, a.environment, a.hasPassword ? 'keychain' : a.passwordState, a.status]),
      ),
    )
  }
  return 0
}

async function accountShow(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  if (!positionals[0]) throw new UsageError(`account show needs an account id or label.\n${ACCOUNT_USAGE}`)
  const a = await resolveAccount(ctx, positionals[0])
  if (ctx.json) printJson(ctx, a)
  else ctx.io.stdout(describe(a))
  return 0
}

async function accountEdit(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      label: { type: 'string' },
      login: { type: 'string' },
      'base-url': { type: 'string' },
      'default-base-url': { type: 'boolean' },
      'password-file': { type: 'string' },
      'password-prompt': { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  })
  if (!positionals[0]) throw new UsageError(`account edit needs an account id or label.\n${ACCOUNT_USAGE}`)
  const current = await resolveAccount(ctx, positionals[0])
  const password = await readPassword(ctx, values['password-file'], values['password-prompt'] === true)
  const a = await call(ctx, 'accounts.update', {
    id: current.id,
    ...(values.label ? { label: values.label } : {}),
    ...(values.login ? { loginName: values.login } : {}),
    ...(values['base-url'] ? { baseUrl: values['base-url'] } : values['default-base-url'] ? { baseUrl: null } : {}),
    ...(password !== undefined ? { password } : {}),
  })
  if (ctx.json) printJson(ctx, a)
  else ctx.io.stdout(`Updated.\n${describe(a)}`)
  return 0
}

async function accountRemove(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  if (!positionals[0]) throw new UsageError(`account remove needs an account id or label.\n${ACCOUNT_USAGE}`)
  const a = await resolveAccount(ctx, positionals[0])
  await call(ctx, 'accounts.remove', { id: a.id })
  if (ctx.json) printJson(ctx, { removed: true, id: a.id })
  else ctx.io.stdout(`Removed account ${a.id} "${a.label}" and its keychain entry. Its orders stay in the history.\n`)
  return 0
}

async function accountTest(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  if (!positionals[0]) throw new UsageError(`account test needs an account id or label.\n${ACCOUNT_USAGE}`)
  const a = await resolveAccount(ctx, positionals[0])
  const r = await call(ctx, 'accounts.test', { id: a.id })
  if (ctx.json) printJson(ctx, r)
  else ctx.io.stdout(`${r.ok ? 'OK' : 'FAILED'}: ${r.message} (${r.latencyMs} ms)\n`)
  return r.ok ? 0 : 1
}
