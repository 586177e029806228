import { useId } from 'react'
import type { MethodInput } from '../../src-main/core/api/contract'
import { OrderFindings, type PreflightFinding } from './order-findings'

export type Organization = NonNullable<MethodInput<'orders.preflight'>['organization']>
export type OrgKey = keyof Organization

interface FieldSpec {
  key: OrgKey
  label: string
  maxLength: number
  hint?: string
  /** Only EV orders ask for it. */
  ev?: boolean
  wide?: boolean
  type?: 'email' | 'tel'
}

const FIELDS: readonly FieldSpec[] = [
  { key: 'organizationName', label: 'Organisation name', maxLength: 255, hint: 'The registered legal name.', wide: true },
  { key: 'streetAddress1', label: 'Street address', maxLength: 255, wide: true },
  { key: 'localityName', label: 'City', maxLength: 255 },
  { key: 'stateOrProvinceName', label: 'State or province', maxLength: 255, hint: 'Where there is none, the city.' },
  { key: 'postalCode', label: 'Postal code', maxLength: 40 },
  { key: 'countryName', label: 'Country', maxLength: 2, hint: 'Two letters, e.g. DE or US.' },
  { key: 'companyNumber', label: 'Registration number', maxLength: 64, ev: true, hint: 'From the company register.' },
  { key: 'joiLocalityName', label: 'Jurisdiction: city', maxLength: 255, ev: true },
  { key: 'joiStateOrProvinceName', label: 'Jurisdiction: state or province', maxLength: 255, ev: true },
  { key: 'joiCountryName', label: 'Jurisdiction: country', maxLength: 2, ev: true },
  { key: 'appRepForename', label: 'Applicant’s first name', maxLength: 64, ev: true },
  { key: 'appRepSurname', label: 'Applicant’s last name', maxLength: 64, ev: true },
  { key: 'appRepEmailAddress', label: 'Applicant’s email', maxLength: 255, ev: true, type: 'email' },
  { key: 'appRepTelephone', label: 'Applicant’s telephone', maxLength: 32, ev: true, type: 'tel' },
]

const COUNTRY_KEYS: readonly OrgKey[] = ['countryName', 'joiCountryName']

/** The organisation details OV and EV orders send; preflight findings appear under their fields. */
export function OrderOrganizationFields({
  validation,
  value,
  onChange,
  findings,
}: {
  validation: 'OV' | 'EV'
  value: Organization
  onChange: (key: OrgKey, v: string) => void
  findings: readonly PreflightFinding[]
}) {
  const ids = useId()
  const fields = FIELDS.filter((f) => !f.ev || validation === 'EV')
  const forField = (key: OrgKey) => findings.filter((f) => f.field === `organization.${key}`)
  const rest = findings.filter((f) => !fields.some((x) => f.field === `organization.${x.key}`))
  return (
    <div className="org-fields">
      <p className="field-hint">
        Sectigo’s validation staff check these against public registers
        {validation === 'EV' ? ', and the applicant signs the EV subscriber agreement' : ''}. Give them exactly as
        registered to avoid delays.
      </p>
      <div className="field-grid">
        {fields.map((f) => {
          const list = forField(f.key)
          const id = `${ids}-${f.key}`
          return (
            <div className={`field${f.wide ? ' field-span' : ''}`} key={f.key}>
              <label htmlFor={id}>{f.label}</label>
              <input
                id={id}
                type={f.type ?? 'text'}
                value={value[f.key] ?? ''}
                maxLength={f.maxLength}
                autoComplete="off"
                className={COUNTRY_KEYS.includes(f.key) ? 'input-country' : undefined}
                aria-invalid={list.some((x) => x.severity === 'error') || undefined}
                onChange={(e) =>
                  onChange(f.key, COUNTRY_KEYS.includes(f.key) ? e.target.value.toUpperCase() : e.target.value)
                }
              />
              {f.hint ? <p className="field-hint">{f.hint}</p> : null}
              <OrderFindings findings={list} label={`Findings for ${f.label}`} />
            </div>
          )
        })}
      </div>
      <OrderFindings findings={rest} />
    </div>
  )
}
