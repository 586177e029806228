import { useId, useState } from 'react'
import { KIND_LABELS, productRules, VALIDATION_LABELS, type ProductInfo } from './order-format'

type Validation = ProductInfo['validation']
type Kind = ProductInfo['kind']

const VALIDATIONS: readonly Validation[] = ['DV', 'OV', 'EV']
const KINDS: readonly Kind[] = ['single', 'wildcard', 'multi_domain']

/**
 * Sectigo's catalog narrowed in two steps a buyer understands (how much is validated, how many names),
 * then the matching products, each with the rules CertDesk's preflight applies to it.
 */
export function ProductPicker({
  products,
  value,
  onChange,
}: {
  products: readonly ProductInfo[]
  value: number | null
  onChange: (code: number) => void
}) {
  const ids = useId()
  const selected = products.find((p) => p.code === value) ?? null
  const [validation, setValidation] = useState<Validation>(selected?.validation ?? 'DV')
  const [kind, setKind] = useState<Kind>(selected?.kind ?? 'single')
  const matching = products.filter((p) => p.validation === validation && p.kind === kind)
  const count = (v: Validation, k: Kind) => products.filter((p) => p.validation === v && p.kind === k).length

  const choose = (v: Validation, k: Kind): void => {
    setValidation(v)
    setKind(k)
    // Keep the product when it still fits; otherwise take the first one that does.
    if (selected && selected.validation === v && selected.kind === k) return
    const first = products.find((p) => p.validation === v && p.kind === k)
    if (first) onChange(first.code)
  }

  return (
    <div className="product-picker">
      <div className="segment-row">
        <fieldset className="segmented">
          <legend className="segmented-legend">Validation</legend>
          {VALIDATIONS.map((v) => (
            <label key={v} className={`segment${validation === v ? ' is-selected' : ''}`}>
              <input
                className="covering-radio"
                type="radio"
                name={`${ids}-validation`}
                value={v}
                checked={validation === v}
                onChange={() => choose(v, count(v, kind) > 0 ? kind : 'single')}
              />
              {v}
            </label>
          ))}
        </fieldset>
        <fieldset className="segmented">
          <legend className="segmented-legend">Names</legend>
          {KINDS.map((k) => (
            <label
              key={k}
              className={`segment${kind === k ? ' is-selected' : ''}${count(validation, k) === 0 ? ' is-empty' : ''}`}
            >
              <input
                className="covering-radio"
                type="radio"
                name={`${ids}-kind`}
                value={k}
                checked={kind === k}
                disabled={count(validation, k) === 0}
                onChange={() => choose(validation, k)}
              />
              {KIND_LABELS[k]}
            </label>
          ))}
        </fieldset>
      </div>
      <p className="field-hint">
        <strong>{VALIDATION_LABELS[validation].label}.</strong> {VALIDATION_LABELS[validation].explain}
      </p>
      <div className="product-options" role="radiogroup" aria-label="Product">
        {matching.map((p) => (
          <label key={p.code} className={`product-option${p.code === value ? ' is-selected' : ''}`}>
            <input
              type="radio"
              name={`${ids}-product`}
              value={p.code}
              checked={p.code === value}
              aria-label={`${p.name} (product ${p.code})`}
              onChange={() => onChange(p.code)}
            />
            <span className="product-option-head">
              <span className="product-option-name">{p.name}</span>
              <span className="tag">{p.code}</span>
            </span>
            <span className="product-option-rules">{productRules(p)}</span>
          </label>
        ))}
      </div>
      <p className="field-hint">
        Prices come from your Sectigo price list, which the API does not publish; the review step shows what the
        product cost on this account last time, when CertDesk has seen it.
      </p>
    </div>
  )
}
