import { useEffect, useId, useMemo, useState, type FormEvent } from 'react'
import type { MethodInput, MethodOutput } from '../../src-main/core/api/contract'
import type { KeyType } from '../../src-main/core/pki/keys'
import type { CsrPurpose, LintFinding } from '../../src-main/core/pki/lint'
import { call, toApiError, type ApiError, type UiErrorCode } from '../api'
import { VAULT_ERROR_CODES } from '../errors'
import { keyTypeLabel, shortHex } from '../format'
import { useDebounced } from '../hooks/use-debounced'
import { useListItems } from '../hooks/use-query'
import { ErrorNotice } from './error-notice'
import { FindingsList } from './findings-list'
import { Icon } from './icons'
import { Spinner } from './spinner'

/** Wait this long after the last keystroke before asking core to check the draft. */
const CHECK_DEBOUNCE_MS = 300

/** The key types CertDesk can make, the recommended one first; offered wherever a new key is made. */
export const KEY_TYPES: readonly { value: KeyType; label: string }[] = [
  { value: 'ec-p256', label: 'ECDSA P-256 (recommended)' },
  { value: 'ec-p384', label: 'ECDSA P-384' },
  { value: 'rsa-2048', label: 'RSA 2048' },
  { value: 'rsa-3072', label: 'RSA 3072' },
  { value: 'rsa-4096', label: 'RSA 4096' },
]

/** Who the CSR is for; 'internal' lets private names through with a warning (pki/lint.ts CsrPurpose). */
const PURPOSES: readonly { value: CsrPurpose; label: string }[] = [
  { value: 'public', label: 'A public CA (Sectigo)' },
  { value: 'internal', label: 'An internal CA (private use)' },
]

type SubjectKey = 'cn' | 'o' | 'ou' | 'l' | 'st' | 'c' | 'email'

interface FormState {
  keyType: KeyType
  keyId: string
  label: string
  sans: string
  subject: Record<SubjectKey, string>
  purpose: CsrPurpose
}

const INITIAL: FormState = {
  keyType: 'ec-p256',
  keyId: '',
  label: '',
  sans: '',
  subject: { cn: '', o: '', ou: '', l: '', st: '', c: '', email: '' },
  purpose: 'public',
}

const ORG_FIELDS: readonly {
  key: Exclude<SubjectKey, 'cn'>
  label: string
  hint?: string
  maxLength: number
}[] = [
  { key: 'o', label: 'Organization (O)', maxLength: 64 },
  {
    key: 'ou',
    label: 'Organizational unit (OU)',
    hint: 'Public CAs no longer include OU in certificates.',
    maxLength: 64,
  },
  { key: 'l', label: 'Locality (L)', maxLength: 128 },
  { key: 'st', label: 'State or province (ST)', maxLength: 128 },
  { key: 'c', label: 'Country (C)', hint: 'Two letters, e.g. DE or US.', maxLength: 2 },
  { key: 'email', label: 'Email address', maxLength: 255 },
]

/** SANs as typed: one per line, commas and spaces also separate. */
export function splitSans(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

type Draft = MethodInput<'csrs.checkDraft'>

function toDraft(form: FormState): Draft {
  const subject: Draft['subject'] = {}
  for (const [k, v] of Object.entries(form.subject) as [SubjectKey, string][]) {
    if (v.trim() !== '') subject[k] = v.trim()
  }
  return { keyType: form.keyType, subject, sans: splitSans(form.sans), ...(form.purpose === 'internal' ? { purpose: 'internal' } : {}) }
}

function rsaBits(keyType: KeyType): number | null {
  const m = /^rsa-(\d+)$/.exec(keyType)
  return m?.[1] ? Number(m[1]) : null
}

interface Check {
  draftJson: string
  findings: LintFinding[]
  error?: ApiError
}

/**
 * The form that makes a key and CSR. Core checks the draft as the user types (csrs.checkDraft) and
 * the findings appear next to the fields they are about; an error finding disables the button.
 */
export function CsrForm({
  onCreated,
  onVaultProblem,
}: {
  onCreated: (csr: MethodOutput<'csrs.generate'>) => void
  onVaultProblem: (code: UiErrorCode) => void
}) {
  const ids = useId()
  const [form, setForm] = useState<FormState>(INITIAL)
  const [submitting, setSubmitting] = useState(false)
  const [submitError, setSubmitError] = useState<ApiError | null>(null)
  const [check, setCheck] = useState<Check | null>(null)
  const keys = useListItems('keys.list', {})

  const draft = useMemo(() => toDraft(form), [form])
  const draftJson = JSON.stringify(draft)
  const checkedJson = useDebounced(draftJson, CHECK_DEBOUNCE_MS)
  const isEmpty = draft.sans.length === 0 && !draft.subject.cn

  useEffect(() => {
    let live = true
    const parsed = JSON.parse(checkedJson) as Draft
    if (parsed.sans.length === 0 && !parsed.subject.cn) return
    call('csrs.checkDraft', parsed).then(
      (findings) => live && setCheck({ draftJson: checkedJson, findings }),
      (e: unknown) => live && setCheck({ draftJson: checkedJson, findings: [], error: toApiError(e) }),
    )
    return () => {
      live = false
    }
  }, [checkedJson])

  const findings = !isEmpty && check ? check.findings : []
  const checking = !isEmpty && check?.draftJson !== draftJson
  const hasErrors = findings.some((f) => f.severity === 'error')
  const canSubmit = !submitting && !isEmpty && !hasErrors
  const sanEntries = draft.sans
  const forField = (field: string) => findings.filter((f) => f.field === field)
  const sanFindings = findings.filter((f) => f.field === 'sans' || f.field?.startsWith('sans['))
  const knownFields = new Set(['cn', 'sans', 'key', ...ORG_FIELDS.map((f) => f.key)])
  const otherFindings = findings.filter(
    (f) => !f.field || !(knownFields.has(f.field) || f.field.startsWith('sans[')),
  )
  const hasError = (list: LintFinding[]) => list.some((f) => f.severity === 'error')
  const reusableKeys = (keys.data ?? []).filter((k) => k.algorithm === form.keyType)
  const bits = rsaBits(form.keyType)

  const setSubject = (key: SubjectKey, value: string) =>
    setForm((f) => ({ ...f, subject: { ...f.subject, [key]: value } }))

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault()
    if (!canSubmit) return
    setSubmitting(true)
    setSubmitError(null)
    try {
      const label = form.label.trim()
      const created = await call('csrs.generate', {
        ...draft,
        ...(form.keyId ? { keyId: form.keyId } : {}),
        ...(label ? { label } : {}),
      })
      onCreated(created)
    } catch (e) {
      const err = toApiError(e)
      setSubmitError(err)
      if (VAULT_ERROR_CODES.includes(err.code)) onVaultProblem(err.code)
      setSubmitting(false)
    }
  }

  const cnFindings = forField('cn')
  const keyFindings = forField('key')

  return (
    <form className="card form-card" aria-label="New key and CSR" onSubmit={(e) => void submit(e)} noValidate>
      <fieldset className="form-section" disabled={submitting}>
        <legend className="form-section-title">Key</legend>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${ids}-keytype`}>Key type</label>
            <select
              id={`${ids}-keytype`}
              value={form.keyType}
              onChange={(e) => setForm((f) => ({ ...f, keyType: e.target.value as KeyType, keyId: '' }))}
              aria-describedby={keyFindings.length ? `${ids}-key-findings` : undefined}
            >
              {KEY_TYPES.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
            <FindingsList findings={keyFindings} id={`${ids}-key-findings`} />
          </div>
          <div className="field">
            <label htmlFor={`${ids}-keyid`}>Private key</label>
            <select
              id={`${ids}-keyid`}
              value={form.keyId}
              onChange={(e) => setForm((f) => ({ ...f, keyId: e.target.value }))}
            >
              <option value="">Make a new {keyTypeLabel(form.keyType)} key</option>
              {reusableKeys.map((k) => (
                <option key={k.id} value={k.id}>
                  Reuse “{k.label}” ({shortHex(k.spkiSha256, 12)})
                </option>
              ))}
            </select>
            <p className="field-hint">
              Keys are made on this computer and stored encrypted; they never leave it.
            </p>
          </div>
        </div>
      </fieldset>

      <fieldset className="form-section" disabled={submitting}>
        <legend className="form-section-title">Names</legend>
        <fieldset className="plain-fieldset" aria-describedby={`${ids}-purpose-hint`}>
          <legend className="field-label">Certificate authority</legend>
          {PURPOSES.map((p) => (
            <label className="check-line" key={p.value}>
              <input
                type="radio"
                name={`${ids}-purpose`}
                checked={form.purpose === p.value}
                onChange={() => setForm((f) => ({ ...f, purpose: p.value }))}
              />
              {p.label}
            </label>
          ))}
          <p className="field-hint" id={`${ids}-purpose-hint`}>
            {form.purpose === 'internal'
              ? 'Private names (.local, .internal, single labels) and private or loopback addresses are allowed, with a warning. Sectigo will not certify them: an order with this CSR is refused while it lists any.'
              : 'Public CAs certify only public names and addresses; choose an internal CA for names such as printer.local or 10.0.0.5.'}
          </p>
        </fieldset>
        <div className="field">
          <label htmlFor={`${ids}-cn`}>Common name (CN)</label>
          <input
            id={`${ids}-cn`}
            type="text"
            value={form.subject.cn}
            maxLength={64}
            placeholder="www.example.com"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={hasError(cnFindings) || undefined}
            aria-describedby={cnFindings.length ? `${ids}-cn-findings` : undefined}
            onChange={(e) => setSubject('cn', e.target.value)}
          />
          <FindingsList findings={cnFindings} id={`${ids}-cn-findings`} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-sans`}>Subject alternative names (SANs)</label>
          <textarea
            id={`${ids}-sans`}
            value={form.sans}
            rows={4}
            placeholder={'example.com\nwww.example.com'}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={hasError(sanFindings) || undefined}
            aria-describedby={`${ids}-sans-hint${sanFindings.length ? ` ${ids}-sans-findings` : ''}`}
            onChange={(e) => setForm((f) => ({ ...f, sans: e.target.value }))}
          />
          <p className="field-hint" id={`${ids}-sans-hint`}>
            One name per line (DNS names, IP addresses or email addresses). The common name is added
            automatically.
          </p>
          <FindingsList
            findings={sanFindings}
            id={`${ids}-sans-findings`}
            describe={(f) => {
              const m = /^sans\[(\d+)\]$/.exec(f.field ?? '')
              const entry = m?.[1] !== undefined ? sanEntries[Number(m[1])] : undefined
              return entry !== undefined ? entry : null
            }}
          />
        </div>
      </fieldset>

      <details className="form-section form-details">
        <summary className="form-section-title">
          Organization details (optional, for OV and EV certificates)
        </summary>
        <fieldset className="field-grid" disabled={submitting}>
          {ORG_FIELDS.map((field) => {
            const list = forField(field.key)
            const hintId = field.hint ? `${ids}-${field.key}-hint` : ''
            const findingsId = list.length ? `${ids}-${field.key}-findings` : ''
            return (
              <div className="field" key={field.key}>
                <label htmlFor={`${ids}-${field.key}`}>{field.label}</label>
                <input
                  id={`${ids}-${field.key}`}
                  type={field.key === 'email' ? 'email' : 'text'}
                  value={form.subject[field.key]}
                  maxLength={field.maxLength}
                  autoComplete="off"
                  className={field.key === 'c' ? 'input-country' : undefined}
                  aria-invalid={hasError(list) || undefined}
                  aria-describedby={[hintId, findingsId].filter(Boolean).join(' ') || undefined}
                  onChange={(e) =>
                    setSubject(field.key, field.key === 'c' ? e.target.value.toUpperCase() : e.target.value)
                  }
                />
                {field.hint ? (
                  <p className="field-hint" id={hintId}>
                    {field.hint}
                  </p>
                ) : null}
                <FindingsList findings={list} id={findingsId || undefined} />
              </div>
            )
          })}
        </fieldset>
      </details>

      <fieldset className="form-section" disabled={submitting}>
        <div className="field field-narrow">
          <label htmlFor={`${ids}-label`}>Label (optional)</label>
          <input
            id={`${ids}-label`}
            type="text"
            value={form.label}
            maxLength={200}
            placeholder={draft.subject.cn ?? draft.sans[0] ?? 'Defaults to the common name'}
            autoComplete="off"
            onChange={(e) => setForm((f) => ({ ...f, label: e.target.value }))}
          />
        </div>
      </fieldset>

      {otherFindings.length ? <FindingsList findings={otherFindings} /> : null}
      {check?.error && check.draftJson === draftJson ? <ErrorNotice error={check.error} /> : null}
      {submitError ? <ErrorNotice error={submitError} /> : null}

      <div className="form-footer">
        <button type="submit" className="button button-primary" disabled={!canSubmit}>
          {submitting ? <Spinner /> : <Icon name="key" />}
          {form.keyId ? 'Make CSR' : 'Make key and CSR'}
        </button>
        {submitting ? (
          <div className="progress-note" role="status">
            {form.keyId
              ? 'Signing the CSR with the stored key…'
              : bits
                ? `Making an RSA-${bits} key can take a few seconds…`
                : 'Making the key and CSR…'}
          </div>
        ) : isEmpty ? (
          <p className="form-footer-hint">Enter a common name or at least one SAN.</p>
        ) : checking ? (
          <p className="form-footer-hint" aria-live="polite">
            Checking…
          </p>
        ) : hasErrors ? (
          <p className="form-footer-hint form-footer-error">Fix the errors above to continue.</p>
        ) : null}
      </div>
    </form>
  )
}
