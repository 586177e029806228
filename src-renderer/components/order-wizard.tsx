import { useEffect, useId, useMemo, useState } from 'react'
import type { MethodInput } from '../../src-main/core/api/contract'
import { call, toApiError, type ApiError, type UiErrorCode } from '../api'
import { VAULT_ERROR_CODES } from '../errors'
import { formatDate, keyTypeLabel } from '../format'
import { useAction } from '../hooks/use-action'
import { useDebounced } from '../hooks/use-debounced'
import { useListItems, useQuery } from '../hooks/use-query'
import { navigate, routeHref } from '../routes'
import { splitSans } from './csr-form'
import { DcvChoiceTable, type DomainChoice } from './dcv-choice-table'
import { DetailRow } from './detail-list'
import { EmptyState } from './empty-state'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import { LoadingLine } from './loading-line'
import { EnvironmentBadge } from './order-badges'
import { parkedOrderDraft, parkOrderDraft } from './order-draft'
import { OrderCsrStep, type CsrChoice } from './order-csr-step'
import { findingStep, OrderFindings, type PreflightFinding, type PreflightReport } from './order-findings'
import {
  DCV_METHOD_VIEW,
  KIND_LABELS,
  methodsForName,
  type AccountSummary,
  type DcvMethod,
  type ProductInfo,
} from './order-format'
import { OrderOrganizationFields, type Organization, type OrgKey } from './order-organization-fields'
import { ProductPicker } from './product-picker'
import { Spinner } from './spinner'

/** Wait this long after the last keystroke before asking core to check the draft. */
const CHECK_DEBOUNCE_MS = 300
/** The product most small shops start with, preselected. */
const DEFAULT_PRODUCT_CODE = 287
/** Terms offered as chips besides the longest certificate issued today (the default). */
const DAY_PRESETS: readonly number[] = [90, 365, 398]
const DEFAULT_METHOD: DcvMethod = 'CNAME_CSR_HASH'
/** Shown while the schedule loads; the schedule itself comes from core (orders.validity). */
const FALLBACK_DAYS = 90

type Options = NonNullable<Draft['options']>

/** The advanced AutoApplySSL options as typed in the form (all optional). */
interface OptionFields {
  caCertificateId: string
  emailAddress: string
  addOnProducts: string
  prioritiseCsrValues: boolean
  isCustomerValidated: boolean
  maxSubjectCNs: string
}

const NO_OPTIONS: OptionFields = { caCertificateId: '', emailAddress: '', addOnProducts: '', prioritiseCsrValues: false, isCustomerValidated: false, maxSubjectCNs: '' }

/** The options to send, or null when a field does not parse (the form says which). */
function parseOptions(f: OptionFields): { options: Options | undefined; error: string | null } {
  const out: Options = {}
  if (f.caCertificateId.trim() !== '') {
    if (!/^\d{1,15}$/.test(f.caCertificateId.trim())) return { options: undefined, error: 'The CA certificate ID is a number from your Sectigo account.' }
    out.caCertificateId = Number(f.caCertificateId.trim())
  }
  if (f.emailAddress.trim() !== '') out.emailAddress = f.emailAddress.trim()
  if (f.addOnProducts.trim() !== '') {
    const codes = f.addOnProducts.split(/[\s,]+/).filter(Boolean)
    if (!codes.every((c) => /^\d{1,7}$/.test(c))) return { options: undefined, error: 'Add-on products are product codes separated by commas.' }
    out.addOnProducts = codes.map(Number)
  }
  if (f.prioritiseCsrValues) out.prioritiseCsrValues = true
  if (f.isCustomerValidated) out.isCustomerValidated = true
  if (f.maxSubjectCNs.trim() !== '') {
    if (!/^\d{1,3}$/.test(f.maxSubjectCNs.trim())) return { options: undefined, error: 'The number of subject CNs is a number.' }
    out.maxSubjectCNs = Number(f.maxSubjectCNs.trim())
  }
  return { options: Object.keys(out).length > 0 ? out : undefined, error: null }
}

type Draft = MethodInput<'orders.preflight'>
export type StepId = 'product' | 'csr' | 'domains' | 'organization' | 'review'

const STEP_LABELS: Readonly<Record<StepId, string>> = {
  product: 'Product',
  csr: 'Key & CSR',
  domains: 'Names & validation',
  organization: 'Organisation',
  review: 'Review & place',
}

export interface WizardState {
  accountId: string
  productCode: number | null
  /** Empty until the user picks one: the default follows the CA/B Forum schedule for today. */
  days: string
  options: OptionFields
  csr: CsrChoice
  /** The user's DCV choices per name; names without one use the default. */
  choices: Readonly<Record<string, { method?: DcvMethod; email?: string }>>
  organization: Organization
  confirmCharge: boolean
}

interface Checked {
  json: string
  report?: PreflightReport
  error?: ApiError
}

/** orders.preflight for a draft, debounced, answers to older drafts dropped. */
function useLivePreflight(json: string | null): Checked | null {
  const settled = useDebounced(json, CHECK_DEBOUNCE_MS)
  const [checked, setChecked] = useState<Checked | null>(null)
  useEffect(() => {
    if (settled === null) return
    let live = true
    call('orders.preflight', JSON.parse(settled) as Draft).then(
      (report) => live && setChecked({ json: settled, report }),
      (e: unknown) => live && setChecked({ json: settled, error: toApiError(e) }),
    )
    return () => {
      live = false
    }
  }, [settled])
  return checked
}

function csrSource(c: CsrChoice, product: ProductInfo | null): Draft['csr'] | null {
  switch (c.mode) {
    case 'new': {
      // Single-name and wildcard products: the name is the CSR's only SAN as well as its CN.
      const sans = product?.kind === 'multi_domain' ? splitSans(c.sans) : c.cn ? [c.cn] : []
      if (c.cn === '' && sans.length === 0) return null
      return {
        generate: {
          keyType: c.keyType,
          ...(c.keyId ? { keyId: c.keyId } : {}),
          subject: c.cn ? { cn: c.cn } : {},
          sans,
        },
      }
    }
    case 'stored':
      return c.csrId ? { csrId: c.csrId } : null
    case 'paste':
      return c.pem.trim() ? { pem: c.pem.trim() } : null
  }
}

function pickMethod(name: string, product: ProductInfo | null, chosen: DcvMethod | undefined): DcvMethod {
  const allowed = methodsForName(name, product)
  if (chosen && allowed.includes(chosen)) return chosen
  if (allowed.includes(DEFAULT_METHOD)) return DEFAULT_METHOD
  return allowed[0] ?? DEFAULT_METHOD
}

function trimmedOrganization(o: Organization): Organization {
  const out: Organization = {}
  for (const [k, v] of Object.entries(o) as [OrgKey, string | undefined][]) {
    if (v && v.trim() !== '') out[k] = v.trim()
  }
  return out
}

function costLine(account: AccountSummary | undefined, report: PreflightReport | undefined): string {
  if (report?.estimatedCost) return `About ${report.estimatedCost.amount}: ${report.estimatedCost.basis}.`
  switch (account?.environment) {
    case 'sandbox':
      return 'Free: the Sandbox CA debits a play balance, not money.'
    case 'test_mode':
      return 'Not billed: test-mode orders (test=Y) cost nothing.'
    case 'production':
    case undefined:
      return 'Charged from your Sectigo price list, which the API does not publish in advance; CertDesk records the exact cost once the order is placed.'
  }
}

function Stepper({
  steps,
  current,
  reachable,
  onGo,
}: {
  steps: readonly StepId[]
  current: StepId
  reachable: (s: StepId) => boolean
  onGo: (s: StepId) => void
}) {
  return (
    <ol className="stepper" aria-label="Order steps">
      {steps.map((s, i) => {
        const state = s === current ? 'current' : steps.indexOf(current) > i ? 'done' : 'todo'
        return (
          <li key={s} className={`step step-${state}`}>
            <button
              type="button"
              className="step-button"
              aria-current={s === current ? 'step' : undefined}
              disabled={s !== current && !reachable(s)}
              onClick={() => onGo(s)}
            >
              <span className="step-number" aria-hidden="true">
                {state === 'done' ? <Icon name="check" /> : i + 1}
              </span>
              {STEP_LABELS[s]}
            </button>
          </li>
        )
      })}
    </ol>
  )
}

/**
 * The new-order flow: account and product, key and CSR, names and DCV methods, organisation (OV/EV),
 * then a full preflight (Sectigo's own CSR check included) and the price before anything is paid.
 * Every step shows core's findings for its fields; errors block the step.
 */
function initialState(csrId: string | undefined): WizardState {
  return {
    accountId: '',
    productCode: DEFAULT_PRODUCT_CODE,
    days: '',
    options: NO_OPTIONS,
    csr: { mode: csrId ? 'stored' : 'new', keyType: 'ec-p256', keyId: '', cn: '', sans: '', csrId: csrId ?? '', pem: '' },
    choices: {},
    organization: {},
    confirmCharge: false,
  }
}

export function OrderWizard({
  start,
  onVaultProblem,
}: {
  /** A stored CSR to order with (from its page), or the draft to resume after adding an account. */
  start: { csrId?: string; resume?: true }
  onVaultProblem: (code: UiErrorCode) => void
}) {
  const ids = useId()
  const accounts = useQuery('accounts.list', {})
  const products = useQuery('orders.products', {})
  const csrs = useListItems('csrs.list', {})
  const keys = useListItems('keys.list', {})
  const validity = useQuery('orders.validity', {})
  const [resumed] = useState(() => (start.resume ? parkedOrderDraft() : null))
  const [step, setStep] = useState<StepId>(resumed?.step ?? 'product')
  const [state, setState] = useState<WizardState>(() => ({
    ...(resumed?.state ?? initialState(start.csrId)),
    // Nothing is charged on a consent given before leaving the wizard.
    confirmCharge: false,
  }))
  // Adding an account leaves the wizard: what was filled waits in memory and comes back on return.
  const addAccount = { section: 'accounts', view: 'new', forOrder: true } as const
  const park = (): void => parkOrderDraft({ state, step })

  const usable = (accounts.data ?? []).filter((a) => a.passwordState === 'stored')
  // The only usable account is chosen for the user; with several, they pick.
  const accountId = state.accountId || (usable.length === 1 ? (usable[0]?.id ?? '') : '')
  const account = accounts.data?.find((a) => a.id === accountId)
  const product = products.data?.find((p) => p.code === state.productCode) ?? null
  // The default term is the longest certificate issued today (one certificate, nothing unused); a
  // longer term is the user's choice and is served by free reissues.
  const cap = validity.data?.maxCertificateDays ?? null
  const daysText = state.days !== '' ? state.days : String(product?.fixedDays ?? cap ?? FALLBACK_DAYS)
  const days = Number(daysText)
  const presets = [...new Set([...(cap !== null ? [cap] : []), ...DAY_PRESETS])].sort((a, b) => a - b)
  const parsedOptions = parseOptions(state.options)
  const daysValid =
    product !== null && Number.isInteger(days) && days >= product.minDays && days <= product.maxDays
  const needsOrg = product?.needsOrganization ?? false
  const steps: StepId[] = needsOrg
    ? ['product', 'csr', 'domains', 'organization', 'review']
    : ['product', 'csr', 'domains', 'review']

  const source = csrSource(state.csr, product)
  const baseDraft: Draft | null =
    accountId && product && daysValid && source && !parsedOptions.error
      ? { accountId, productCode: product.code, days, csr: source, ...(parsedOptions.options ? { options: parsedOptions.options } : {}), remoteCheck: false }
      : null
  const baseJson = baseDraft ? JSON.stringify(baseDraft) : null
  const names = useLivePreflight(baseJson)
  const namesCurrent = names !== null && names.json === baseJson
  const domainNames = useMemo(
    () => (namesCurrent && names.report ? names.report.domains.map((d) => d.domain) : []),
    [namesCurrent, names],
  )

  const domains: DomainChoice[] = domainNames.map((n) => {
    const c = state.choices[n]
    const method = pickMethod(n, product, c?.method)
    return { domain: n, method, ...(method === 'EMAIL' && c?.email ? { email: c.email } : {}) }
  })
  const organization = needsOrg ? trimmedOrganization(state.organization) : {}
  const fullDraft: Draft | null =
    baseDraft && domains.length > 0
      ? {
          ...baseDraft,
          domains,
          ...(Object.keys(organization).length > 0 ? { organization } : {}),
        }
      : null
  const fullJson = fullDraft ? JSON.stringify(fullDraft) : null
  const check = useLivePreflight(fullJson)
  const checkCurrent = check !== null && check.json === fullJson
  const liveFindings: PreflightFinding[] =
    (checkCurrent ? check.report?.findings : null) ?? (namesCurrent ? names.report?.findings : null) ?? []
  const findingsFor = (s: ReturnType<typeof findingStep>) => liveFindings.filter((f) => findingStep(f) === s)
  const blocks = (s: ReturnType<typeof findingStep>) => findingsFor(s).some((f) => f.severity === 'error')

  // The review's preflight also asks Sectigo (DecodeCSR); it runs on arriving at the review and on request.
  const [review, setReview] = useState<Checked | null>(null)
  const runReview = useAction(async (json: string) => {
    const report = await call('orders.preflight', { ...(JSON.parse(json) as Draft), remoteCheck: true })
    setReview({ json, report })
    return report
  })
  const reviewJson = step === 'review' ? fullJson : null
  const runReviewFn = runReview.run
  useEffect(() => {
    if (reviewJson !== null) void runReviewFn(reviewJson)
  }, [reviewJson, runReviewFn])
  const reviewCurrent = review !== null && review.json === fullJson && !runReview.pending
  const reviewReport = reviewCurrent ? review.report : undefined

  const place = useAction(
    async (submit: boolean) => {
      if (!fullDraft) throw new Error('The order is not complete.')
      const { remoteCheck: _skip, ...draft } = fullDraft
      return call('orders.place', { ...draft, submit })
    },
    { onError: (e) => VAULT_ERROR_CODES.includes(e.code) && onVaultProblem(e.code) },
  )

  const okFor: Readonly<Record<StepId, boolean>> = {
    product: Boolean(account && account.status === 'ok' && product && daysValid && !parsedOptions.error),
    csr: source !== null && !blocks('csr') && !(namesCurrent && names.error),
    domains:
      domains.length > 0 &&
      domains.every((d) => d.method !== 'EMAIL' || Boolean(d.email)) &&
      !blocks('domains') &&
      !blocks('product'),
    organization: !blocks('organization'),
    review: Boolean(reviewReport?.ok),
  }
  const index = steps.indexOf(step)
  const reachable = (s: StepId): boolean => steps.slice(0, steps.indexOf(s)).every((x) => okFor[x])
  const next = steps[index + 1]
  const prev = steps[index - 1]

  const update = (patch: Partial<WizardState>) => setState((s) => ({ ...s, ...patch }))

  if (accounts.data && accounts.data.length === 0) {
    return (
      <EmptyState
        icon="accounts"
        title="Add an account first"
        actions={
          <a className="button button-primary" href={routeHref(addAccount)} onClick={park}>
            <Icon name="plus" />
            Add account
          </a>
        }
      >
        Orders go through a Sectigo reseller account, or through the Sandbox CA on this computer to try things
        for free. Add one: CertDesk brings you back here.
      </EmptyState>
    )
  }
  if (!accounts.data || !products.data) {
    return (
      <>
        {accounts.error ? <ErrorNotice error={accounts.error} onRetry={accounts.reload} /> : null}
        {products.error ? <ErrorNotice error={products.error} onRetry={products.reload} /> : null}
        {!accounts.error && !products.error ? <LoadingLine /> : null}
      </>
    )
  }

  const body = (() => {
    switch (step) {
      case 'product':
        return (
          <>
            <fieldset className="form-section">
              <legend className="form-section-title">Account</legend>
              <div className="field field-narrow">
                <label htmlFor={`${ids}-account`}>Order through</label>
                <select
                  id={`${ids}-account`}
                  value={accountId}
                  onChange={(e) => update({ accountId: e.target.value, choices: {} })}
                >
                  <option value="" disabled>
                    Choose an account…
                  </option>
                  {accounts.data.map((a) => (
                    <option key={a.id} value={a.id} disabled={a.passwordState !== 'stored'}>
                      {a.label} ({a.environmentLabel})
                    </option>
                  ))}
                </select>
                <p className="field-hint">
                  <a href={routeHref(addAccount)} onClick={park}>
                    Add an account
                  </a>{' '}
                  and come back to this order as it is.
                </p>
                {account?.status === 'auth_failed' ? (
                  <p className="field-error">
                    Calls for this account are stopped: Sectigo refused its login.{' '}
                    <a href={routeHref({ section: 'accounts', view: 'edit', id: account.id })}>Fix the login</a>.
                  </p>
                ) : null}
              </div>
            </fieldset>
            <fieldset className="form-section">
              <legend className="form-section-title">Product</legend>
              <ProductPicker
                products={products.data}
                value={state.productCode}
                onChange={(code) => {
                  const p = products.data?.find((x) => x.code === code)
                  update({ productCode: code, ...(p?.fixedDays ? { days: String(p.fixedDays) } : {}) })
                }}
              />
            </fieldset>
            <fieldset className="form-section">
              <legend className="form-section-title">Order term</legend>
              <div className="days-row">
                <div className="field">
                  <label htmlFor={`${ids}-days`}>Days</label>
                  <input
                    id={`${ids}-days`}
                    type="number"
                    inputMode="numeric"
                    className="input-days"
                    min={product?.minDays}
                    max={product?.maxDays}
                    value={daysText}
                    disabled={product?.fixedDays !== null && product?.fixedDays !== undefined}
                    aria-invalid={!daysValid || undefined}
                    onChange={(e) => update({ days: e.target.value })}
                  />
                </div>
                <div className="chip-row" role="group" aria-label="Common terms">
                  {presets.filter((d) => !product || (d >= product.minDays && d <= product.maxDays)).map((d) => (
                    <button
                      key={d}
                      type="button"
                      className={`chip${String(d) === daysText ? ' is-selected' : ''}`}
                      disabled={product?.fixedDays !== null && product?.fixedDays !== undefined}
                      onClick={() => update({ days: String(d) })}
                    >
                      {d} days
                    </button>
                  ))}
                </div>
              </div>
              {product && !daysValid ? (
                <p className="field-error">
                  {product.fixedDays !== null
                    ? `${product.name} is sold for exactly ${product.fixedDays} days.`
                    : `Choose ${product.minDays} to ${product.maxDays} days.`}
                </p>
              ) : (
                <p className="field-hint" data-testid="validity-hint">
                  {cap !== null
                    ? `How long the order runs. A certificate issued now lasts at most ${cap} days (CA/Browser Forum ballot SC-081)${validity.data?.next ? `, ${validity.data.next.maxDays} from ${formatDate(validity.data.next.from)}` : ''}; for a longer term, reissue it free until the term ends.`
                    : 'How long the order runs. Sectigo reissues within that time at no extra cost.'}
                </p>
              )}
              <OrderFindings findings={findingsFor('product')} />
            </fieldset>
            <details className="form-section advanced-options">
              <summary className="form-section-title">Advanced Sectigo options</summary>
              <div className="field field-narrow">
                <label htmlFor={`${ids}-ca`}>CA certificate ID</label>
                <input
                  id={`${ids}-ca`}
                  inputMode="numeric"
                  value={state.options.caCertificateId}
                  onChange={(e) => update({ options: { ...state.options, caCertificateId: e.target.value } })}
                />
                <p className="field-hint">Selects the issuing CA where your account has several (Sectigo gives the IDs).</p>
              </div>
              <div className="field field-narrow">
                <label htmlFor={`${ids}-customer-email`}>Customer email</label>
                <input
                  id={`${ids}-customer-email`}
                  value={state.options.emailAddress}
                  onChange={(e) => update({ options: { ...state.options, emailAddress: e.target.value } })}
                />
                <p className="field-hint">Where Sectigo mails the certificate; “none” stops that mail.</p>
              </div>
              <div className="field field-narrow">
                <label htmlFor={`${ids}-addons`}>Add-on products</label>
                <input
                  id={`${ids}-addons`}
                  value={state.options.addOnProducts}
                  onChange={(e) => update({ options: { ...state.options, addOnProducts: e.target.value } })}
                />
                <p className="field-hint">Product codes sent after the certificate’s, comma-separated.</p>
              </div>
              {product?.kind === 'multi_domain' ? (
                <div className="field field-narrow">
                  <label htmlFor={`${ids}-cns`}>Subject CNs</label>
                  <input
                    id={`${ids}-cns`}
                    inputMode="numeric"
                    value={state.options.maxSubjectCNs}
                    onChange={(e) => update({ options: { ...state.options, maxSubjectCNs: e.target.value } })}
                  />
                </div>
              ) : null}
              <label className="check-line">
                <input
                  type="checkbox"
                  checked={state.options.prioritiseCsrValues}
                  onChange={(e) => update({ options: { ...state.options, prioritiseCsrValues: e.target.checked } })}
                />
                Prefer the CSR’s subject over the organisation details
              </label>
              <label className="check-line">
                <input
                  type="checkbox"
                  checked={state.options.isCustomerValidated}
                  onChange={(e) => update({ options: { ...state.options, isCustomerValidated: e.target.checked } })}
                />
                I validated the customer myself (only when Sectigo told you to send Y)
              </label>
              {parsedOptions.error ? <p className="field-error">{parsedOptions.error}</p> : null}
            </details>
          </>
        )
      case 'csr':
        return (
          <fieldset className="form-section">
            <legend className="form-section-title">Key and CSR</legend>
            <OrderCsrStep
              value={state.csr}
              onChange={(patch) => setState((s) => ({ ...s, csr: { ...s.csr, ...patch } }))}
              product={product}
              csrs={csrs.data}
              keys={keys.data}
            />
            {namesCurrent && names.error ? <ErrorNotice error={names.error} /> : null}
            <OrderFindings findings={findingsFor('csr')} label="CSR findings" />
          </fieldset>
        )
      case 'domains':
        return (
          <fieldset className="form-section">
            <legend className="form-section-title">Names and domain control validation</legend>
            {!namesCurrent ? (
              <LoadingLine>Working out the names…</LoadingLine>
            ) : domains.length === 0 ? (
              <p className="field-error">The CSR names nothing this product can certify; go back and give a name.</p>
            ) : (
              <DcvChoiceTable
                accountId={accountId}
                product={product}
                choices={domains}
                onMethod={(domain, method) =>
                  setState((s) => ({ ...s, choices: { ...s.choices, [domain]: { ...s.choices[domain], method } } }))
                }
                onEmail={(domain, email) =>
                  setState((s) => ({ ...s, choices: { ...s.choices, [domain]: { ...s.choices[domain], email } } }))
                }
                onAll={(method, names) =>
                  setState((s) => ({
                    ...s,
                    choices: { ...s.choices, ...Object.fromEntries(names.map((n) => [n, { ...s.choices[n], method }])) },
                  }))
                }
              />
            )}
            <OrderFindings findings={[...findingsFor('domains'), ...findingsFor('product')]} label="Name findings" />
          </fieldset>
        )
      case 'organization':
        return (
          <fieldset className="form-section">
            <legend className="form-section-title">Organisation</legend>
            {product && product.validation !== 'DV' ? (
              <OrderOrganizationFields
                validation={product.validation}
                value={state.organization}
                onChange={(key, v) => setState((s) => ({ ...s, organization: { ...s.organization, [key]: v } }))}
                findings={findingsFor('organization')}
              />
            ) : null}
          </fieldset>
        )
      case 'review':
        return (
          <div className="form-section review">
            <h2 className="form-section-title">Review</h2>
            <dl className="dl review-dl">
              <DetailRow label="Account">
                {account ? (
                  <span className="account-cell">
                    {account.label} <EnvironmentBadge environment={account.environment} />
                  </span>
                ) : null}
              </DetailRow>
              <DetailRow label="Product">
                {product ? `${product.name} (${product.code}) · ${product.validation} · ${KIND_LABELS[product.kind]}` : ''}
              </DetailRow>
              <DetailRow label="Order term">{days} days</DetailRow>
              <DetailRow label="Certificate">
                <span data-testid="review-certificate-days">
                  {reviewReport
                    ? reviewReport.validity.certificateDays < days
                      ? `${reviewReport.validity.certificateDays} days now (the CA/B Forum cap); reissue it free until the term ends`
                      : `${reviewReport.validity.certificateDays} days`
                    : '…'}
                </span>
              </DetailRow>
              {parsedOptions.options ? (
                <DetailRow label="Advanced">
                  {[
                    parsedOptions.options.caCertificateId !== undefined ? `CA ${parsedOptions.options.caCertificateId}` : null,
                    parsedOptions.options.emailAddress ? `customer email ${parsedOptions.options.emailAddress}` : null,
                    parsedOptions.options.addOnProducts ? `add-ons ${parsedOptions.options.addOnProducts.join(', ')}` : null,
                    parsedOptions.options.prioritiseCsrValues ? 'CSR values first' : null,
                    parsedOptions.options.isCustomerValidated ? 'customer validated' : null,
                    parsedOptions.options.maxSubjectCNs !== undefined ? `${parsedOptions.options.maxSubjectCNs} subject CNs` : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </DetailRow>
              ) : null}
              <DetailRow label="Key and CSR">
                {state.csr.mode === 'new'
                  ? `${state.csr.keyId ? 'A new CSR for a stored' : 'A new'} ${keyTypeLabel(state.csr.keyType)} key, made when the order is placed`
                  : state.csr.mode === 'stored'
                    ? `Stored CSR “${csrs.data?.find((c) => c.id === state.csr.csrId)?.label ?? state.csr.csrId}”`
                    : 'The pasted CSR'}
              </DetailRow>
              <DetailRow label="Names">
                <ul className="plain-list">
                  {domains.map((d) => (
                    <li key={d.domain}>
                      <span className="mono">{d.domain}</span>{' '}
                      <span className="muted">
                        · {DCV_METHOD_VIEW[d.method].label}
                        {d.email ? ` (${d.email})` : ''}
                      </span>
                    </li>
                  ))}
                </ul>
              </DetailRow>
              {needsOrg ? (
                <DetailRow label="Organisation">
                  {[organization.organizationName, organization.localityName, organization.countryName]
                    .filter(Boolean)
                    .join(', ') || <span className="muted">From the CSR</span>}
                </DetailRow>
              ) : null}
              <DetailRow label="Cost">
                <span data-testid="order-cost">{costLine(account, reviewReport)}</span>
              </DetailRow>
            </dl>
            <section className="preflight" aria-label="Preflight">
              <div className="preflight-head">
                <h3 className="subheading">Preflight</h3>
                <button
                  type="button"
                  className="button button-ghost button-small"
                  disabled={runReview.pending || fullJson === null}
                  onClick={() => fullJson && void runReview.run(fullJson)}
                >
                  <Icon name="refresh" />
                  Check again
                </button>
              </div>
              {runReview.pending ? (
                <LoadingLine>
                  Checking the order{account?.environment === 'sandbox' ? ' with the Sandbox CA' : ' with Sectigo'}…
                </LoadingLine>
              ) : reviewReport ? (
                <>
                  {reviewReport.ok ? (
                    <p className="ok-line">
                      <Icon name="check" /> Nothing blocks this order.
                    </p>
                  ) : (
                    <p className="field-error">Fix the errors below before placing the order; nothing has been sent.</p>
                  )}
                  <OrderFindings findings={reviewReport.findings} />
                </>
              ) : null}
              {runReview.error ? <ErrorNotice error={runReview.error} /> : null}
            </section>
            {account?.environment === 'production' ? (
              <label className="check-line">
                <input
                  type="checkbox"
                  checked={state.confirmCharge}
                  onChange={(e) => update({ confirmCharge: e.target.checked })}
                />
                I understand this order is charged to the Sectigo account “{account.label}”.
              </label>
            ) : null}
            {place.error ? (
              <>
                <ErrorNotice error={place.error} />
                <p className="field-hint">
                  If CertDesk recorded the order before the problem, it is in the{' '}
                  <a href={routeHref({ section: 'orders', view: 'list' })}>Orders list</a> (as a draft, refused, or with
                  its outcome unknown). CertDesk never sends an order twice without asking you.
                </p>
              </>
            ) : null}
          </div>
        )
    }
  })()

  const canPlace =
    okFor.review && !place.pending && (account?.environment !== 'production' || state.confirmCharge)
  const placeOrder = async (submit: boolean): Promise<void> => {
    const placed = await place.run(submit)
    if (placed) navigate({ section: 'orders', view: 'order', id: placed.id })
  }

  return (
    <div className="wizard">
      <Stepper steps={steps} current={step} reachable={reachable} onGo={setStep} />
      <form
        className="card form-card wizard-card"
        aria-label={`New order: ${STEP_LABELS[step]}`}
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          if (step === 'review') {
            if (canPlace) void placeOrder(true)
          } else if (next && okFor[step]) setStep(next)
        }}
      >
        {body}
        <div className="form-footer wizard-footer">
          {prev ? (
            <button type="button" className="button" onClick={() => setStep(prev)} disabled={place.pending}>
              <Icon name="back" />
              Back
            </button>
          ) : null}
          <span className="wizard-spacer" />
          {step === 'review' ? (
            <>
              <button
                type="button"
                className="button"
                disabled={!okFor.review || place.pending}
                onClick={() => void placeOrder(false)}
                title="Record the order here without sending it to Sectigo"
              >
                Save as draft
              </button>
              <button type="submit" className="button button-primary" disabled={!canPlace}>
                {place.pending ? <Spinner /> : <Icon name="send" />}
                {account?.environment === 'production' ? 'Place order (charged)' : 'Place order'}
              </button>
            </>
          ) : (
            <button type="submit" className="button button-primary" disabled={!okFor[step]}>
              Continue
              <Icon name="back" className="icon-flip" />
            </button>
          )}
        </div>
        {place.pending ? (
          <p className="progress-note" role="status">
            <Spinner /> Recording the order, then sending it{state.csr.mode === 'new' ? ' (making the key first)' : ''}…
          </p>
        ) : null}
      </form>
    </div>
  )
}
