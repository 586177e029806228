import { useId, useState, type FormEvent } from 'react'
import { call } from '../api'
import { useAction } from '../hooks/use-action'
import { ChoiceCards, type Choice } from './choice-cards'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import type { AccountSummary, Environment } from './order-format'
import { Spinner } from './spinner'

/** Sectigo's limits (core checks them again): login ≤ 64, password ≤ 128 characters. */
const MAX_LABEL_CHARS = 100
const MAX_LOGIN_CHARS = 64
const MAX_PASSWORD_CHARS = 128
const MAX_BASE_URL_CHARS = 2048
/** The Sandbox CA's published demo login; its password is the same word. */
const SANDBOX_LOGIN = 'sandbox'

const ENVIRONMENTS: readonly Choice<Environment>[] = [
  {
    value: 'sandbox',
    title: 'Sandbox: try everything, free',
    text: 'A CA that speaks Sectigo’s API, started by CertDesk on this computer. Orders cost nothing; certificates are real but chain to the Sandbox root, which no browser trusts.',
  },
  {
    value: 'test_mode',
    title: 'Sectigo test mode',
    text: 'Your Sectigo reseller account with test=Y: orders are not billed and certificates chain to an untrusted test root. Needs API access.',
  },
  {
    value: 'production',
    title: 'Sectigo production',
    text: 'Real orders, charged to your Sectigo reseller account. Needs API access to be enabled for the login.',
  },
]

interface FormState {
  environment: Environment
  label: string
  loginName: string
  password: string
  baseUrl: string
}

function initialState(account: AccountSummary | null): FormState {
  if (account) {
    return {
      environment: account.environment,
      label: account.label,
      loginName: account.loginName,
      password: '',
      baseUrl: account.baseUrl ?? '',
    }
  }
  return { environment: 'sandbox', label: 'Sandbox', loginName: SANDBOX_LOGIN, password: '', baseUrl: '' }
}

/**
 * Adds or edits a Sectigo account. The password goes to main once, on submit, and into the OS keychain
 * only; the form never shows it back (core answers with hasPassword) and forgets it after saving.
 */
export function AccountForm({
  account,
  onSaved,
}: {
  account: AccountSummary | null
  onSaved: (saved: AccountSummary) => void
}) {
  const ids = useId()
  const [form, setForm] = useState<FormState>(() => initialState(account))
  const editing = account !== null
  const sandbox = form.environment === 'sandbox'
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }))

  const save = useAction(async (f: FormState): Promise<AccountSummary> => {
    const label = f.label.trim()
    const loginName = f.loginName.trim()
    const baseUrl = f.baseUrl.trim()
    if (!account) {
      return call('accounts.add', {
        label,
        loginName,
        environment: f.environment,
        ...(f.password !== '' ? { password: f.password } : {}),
        ...(!sandbox && baseUrl !== '' ? { baseUrl } : {}),
      })
    }
    const baseUrlChanged = !sandbox && baseUrl !== (account.baseUrl ?? '')
    return call('accounts.update', {
      id: account.id,
      ...(label !== account.label ? { label } : {}),
      ...(loginName !== account.loginName ? { loginName } : {}),
      ...(f.password !== '' ? { password: f.password } : {}),
      ...(baseUrlChanged ? { baseUrl: baseUrl === '' ? null : baseUrl } : {}),
    })
  })

  // A new API address needs the password again: the stored one is never sent to an address it was not given with.
  const baseUrlChanging = editing && !sandbox && form.baseUrl.trim() !== (account.baseUrl ?? '')
  const needsPassword = (!editing && !sandbox) || baseUrlChanging
  const canSubmit =
    !save.pending && form.label.trim() !== '' && form.loginName.trim() !== '' && (!needsPassword || form.password !== '')

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault()
    if (!canSubmit) return
    const saved = await save.run(form)
    // The password leaves the page's memory either way; it is never kept for a retry.
    setForm((f) => ({ ...f, password: '' }))
    if (saved) onSaved(saved)
  }

  return (
    <form
      className="card form-card account-form"
      aria-label={editing ? 'Edit account' : 'New account'}
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <fieldset className="form-section" disabled={save.pending}>
        <legend className="form-section-title">Where orders go</legend>
        {editing ? (
          <p className="muted">
            {ENVIRONMENTS.find((e) => e.value === form.environment)?.title}. The environment of an account
            cannot change; add another account instead.
          </p>
        ) : (
          <ChoiceCards
            label="Environment"
            choices={ENVIRONMENTS}
            value={form.environment}
            onChange={(environment) =>
              setForm((f) => {
                // Swap the defaults that belong to the Sandbox, keep what the user typed.
                const toSandbox = environment === 'sandbox'
                const label = f.label === 'Sandbox' || f.label === '' ? (toSandbox ? 'Sandbox' : '') : f.label
                const loginName =
                  f.loginName === SANDBOX_LOGIN || f.loginName === '' ? (toSandbox ? SANDBOX_LOGIN : '') : f.loginName
                return { ...f, environment, label, loginName, baseUrl: toSandbox ? '' : f.baseUrl }
              })
            }
          />
        )}
      </fieldset>

      <fieldset className="form-section" disabled={save.pending}>
        <legend className="form-section-title">Account</legend>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${ids}-label`}>Label</label>
            <input
              id={`${ids}-label`}
              type="text"
              value={form.label}
              maxLength={MAX_LABEL_CHARS}
              autoComplete="off"
              placeholder="e.g. Shop reseller account"
              onChange={(e) => set('label', e.target.value)}
            />
            <p className="field-hint">How this account is called in CertDesk.</p>
          </div>
          <div className="field">
            <label htmlFor={`${ids}-login`}>Login name</label>
            <input
              id={`${ids}-login`}
              type="text"
              value={form.loginName}
              maxLength={MAX_LOGIN_CHARS}
              autoComplete="username"
              spellCheck={false}
              onChange={(e) => set('loginName', e.target.value)}
            />
            <p className="field-hint">
              {sandbox ? 'The Sandbox’s demo login is “sandbox”.' : 'The API login of your Sectigo reseller account.'}
            </p>
          </div>
        </div>
        <div className="field field-narrow">
          <label htmlFor={`${ids}-password`}>Password</label>
          <input
            id={`${ids}-password`}
            type="password"
            value={form.password}
            maxLength={MAX_PASSWORD_CHARS}
            autoComplete="new-password"
            placeholder={
              editing
                ? account.hasPassword
                  ? 'Stored; type to replace it'
                  : 'Not stored; type it to store it'
                : sandbox
                  ? 'Empty: the demo password “sandbox”'
                  : ''
            }
            aria-describedby={`${ids}-password-hint`}
            onChange={(e) => set('password', e.target.value)}
          />
          <p className="field-hint" id={`${ids}-password-hint`}>
            <Icon name="lock" className="inline-icon" /> Kept only in the OS keychain, never in CertDesk’s database
            or logs, and never shown again.
            {editing ? ' Leave empty to keep the stored password.' : ''}
          </p>
        </div>
        {!sandbox ? (
          <details className="form-details" open={form.baseUrl !== ''}>
            <summary className="field-hint">Advanced: another API address</summary>
            <div className="field">
              <label htmlFor={`${ids}-base`}>API base URL (optional)</label>
              <input
                id={`${ids}-base`}
                type="url"
                value={form.baseUrl}
                maxLength={MAX_BASE_URL_CHARS}
                autoComplete="off"
                spellCheck={false}
                placeholder="https://secure.trust-provider.com (Sectigo’s default)"
                onChange={(e) => set('baseUrl', e.target.value)}
              />
              <p className="field-hint">
                Leave empty for Sectigo. HTTPS only.{editing ? ' Changing it needs the account’s password again.' : ''}
              </p>
            </div>
          </details>
        ) : null}
      </fieldset>

      {save.error ? <ErrorNotice error={save.error} /> : null}
      {save.error?.code === 'keychain_unavailable' ? (
        <p className="field-hint">
          CertDesk keeps Sectigo passwords only in the OS keychain, never in its database, so accounts need a
          working keychain even where private keys are protected by a vault passphrase.
        </p>
      ) : null}

      <div className="form-footer">
        <button type="submit" className="button button-primary" disabled={!canSubmit}>
          {save.pending ? <Spinner /> : <Icon name={editing ? 'check' : 'plus'} />}
          {editing ? 'Save changes' : 'Add account'}
        </button>
        {needsPassword && form.password === '' ? (
          <p className="form-footer-hint">
            {baseUrlChanging
              ? 'Enter the account’s API password again to send it to the new address.'
              : 'Enter the account’s API password.'}
          </p>
        ) : null}
        {editing && account.status === 'auth_failed' ? (
          <p className="form-footer-hint">Saving a new login name or password resumes calls for this account.</p>
        ) : null}
      </div>
    </form>
  )
}
