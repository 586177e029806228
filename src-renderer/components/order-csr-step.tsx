import { useId } from 'react'
import type { MethodOutput } from '../../src-main/core/api/contract'
import type { KeyType } from '../../src-main/core/pki/keys'
import { keyTypeLabel, shortHex } from '../format'
import { routeHref } from '../routes'
import { ChoiceCards, type Choice } from './choice-cards'
import { KEY_TYPES } from './csr-form'
import type { ProductInfo } from './order-format'

type CsrSummary = MethodOutput<'csrs.list'>['items'][number]
type KeySummary = MethodOutput<'keys.list'>['items'][number]

export type CsrMode = 'new' | 'stored' | 'paste'

export interface CsrChoice {
  mode: CsrMode
  keyType: KeyType
  keyId: string
  cn: string
  sans: string
  csrId: string
  pem: string
}

const MODES: readonly Choice<CsrMode>[] = [
  { value: 'new', title: 'New key and CSR', text: 'Made on this computer when the order is placed; the key is stored encrypted.' },
  { value: 'stored', title: 'A stored CSR', text: 'One made or imported in Keys & CSRs.' },
  { value: 'paste', title: 'Paste a CSR', text: 'Made elsewhere (openssl, a server, an appliance).' },
]
/** Largest CSR paste the contract accepts. */
const MAX_PEM_CHARS = 64 * 1024

function placeholderFor(product: ProductInfo | null): string {
  return product?.kind === 'wildcard' ? '*.example.com' : 'www.example.com'
}

/** Where the order's key and CSR come from: made now, a stored CSR, or a pasted one. */
export function OrderCsrStep({
  value,
  onChange,
  product,
  csrs,
  keys,
}: {
  value: CsrChoice
  onChange: (patch: Partial<CsrChoice>) => void
  product: ProductInfo | null
  csrs: readonly CsrSummary[] | undefined
  keys: readonly KeySummary[] | undefined
}) {
  const ids = useId()
  const reusable = (keys ?? []).filter((k) => k.algorithm === value.keyType)
  const multi = product?.kind === 'multi_domain'
  const selected = csrs?.find((c) => c.id === value.csrId)
  return (
    <div className="csr-step">
      <ChoiceCards
        label="Key and CSR"
        choices={MODES}
        value={value.mode}
        onChange={(mode) => onChange({ mode })}
        compact
      />

      {value.mode === 'new' ? (
        <>
          <div className="field-row">
            <div className="field">
              <label htmlFor={`${ids}-keytype`}>Key type</label>
              <select
                id={`${ids}-keytype`}
                value={value.keyType}
                onChange={(e) => {
                  const k = KEY_TYPES.find((x) => x.value === e.target.value)
                  if (k) onChange({ keyType: k.value, keyId: '' })
                }}
              >
                {KEY_TYPES.map((k) => (
                  <option key={k.value} value={k.value}>
                    {k.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${ids}-keyid`}>Private key</label>
              <select id={`${ids}-keyid`} value={value.keyId} onChange={(e) => onChange({ keyId: e.target.value })}>
                <option value="">Make a new {keyTypeLabel(value.keyType)} key</option>
                {reusable.map((k) => (
                  <option key={k.id} value={k.id}>
                    Reuse “{k.label}” ({shortHex(k.spkiSha256, 12)})
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="field">
            <label htmlFor={`${ids}-cn`}>{multi ? 'Main name (common name)' : 'Name to certify (common name)'}</label>
            <input
              id={`${ids}-cn`}
              type="text"
              value={value.cn}
              maxLength={64}
              placeholder={placeholderFor(product)}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => onChange({ cn: e.target.value.trim() })}
            />
            {product?.kind === 'wildcard' ? (
              <p className="field-hint">A wildcard product needs a wildcard name: *.example.com.</p>
            ) : null}
          </div>
          {multi ? (
            <div className="field">
              <label htmlFor={`${ids}-sans`}>Other names</label>
              <textarea
                id={`${ids}-sans`}
                rows={4}
                value={value.sans}
                placeholder={'example.com\nshop.example.com'}
                spellCheck={false}
                onChange={(e) => onChange({ sans: e.target.value })}
              />
              <p className="field-hint">
                One per line. {product ? `${product.sans.included} names are included in the price, up to ${product.sans.max}.` : ''}
              </p>
            </div>
          ) : null}
        </>
      ) : null}

      {value.mode === 'stored' ? (
        csrs && csrs.length === 0 ? (
          <p className="muted">
            No CSRs are stored yet. <a href={routeHref({ section: 'keys', view: 'new' })}>Make one in Keys &amp; CSRs</a>{' '}
            or choose “New key and CSR”.
          </p>
        ) : (
          <div className="field">
            <label htmlFor={`${ids}-csr`}>CSR</label>
            <select id={`${ids}-csr`} value={value.csrId} onChange={(e) => onChange({ csrId: e.target.value })}>
              <option value="" disabled>
                Choose a CSR…
              </option>
              {(csrs ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                  {c.commonName && c.commonName !== c.label ? ` (${c.commonName})` : ''}
                  {c.sans.length > 1 ? ` · ${c.sans.length} names` : ''}
                </option>
              ))}
            </select>
            {selected ? (
              <p className="field-hint mono">{selected.sans.map((s) => s.value).join(', ') || selected.commonName}</p>
            ) : null}
          </div>
        )
      ) : null}

      {value.mode === 'paste' ? (
        <div className="field">
          <label htmlFor={`${ids}-pem`}>CSR in PEM format</label>
          <textarea
            id={`${ids}-pem`}
            rows={8}
            value={value.pem}
            maxLength={MAX_PEM_CHARS}
            placeholder={'-----BEGIN CERTIFICATE REQUEST-----\n…\n-----END CERTIFICATE REQUEST-----'}
            spellCheck={false}
            onChange={(e) => onChange({ pem: e.target.value })}
          />
          <p className="field-hint">The CSR is stored with the order; its private key stays wherever it was made.</p>
        </div>
      ) : null}
    </div>
  )
}
