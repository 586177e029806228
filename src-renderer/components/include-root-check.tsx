import { useId } from 'react'

/**
 * "Include the root", which only a root known to CertDesk or this system allows; the hint under it
 * says when to include it (`knownHint`) or why it cannot be (`unknownHint`).
 */
export function IncludeRootCheck({
  checked,
  rootKnown,
  onChange,
  knownHint,
  unknownHint,
}: {
  checked: boolean
  rootKnown: boolean
  onChange: (checked: boolean) => void
  knownHint: string
  unknownHint: string
}) {
  const hintId = useId()
  return (
    <>
      <label className="check-line">
        <input
          type="checkbox"
          checked={checked}
          disabled={!rootKnown}
          aria-describedby={hintId}
          onChange={(e) => onChange(e.target.checked)}
        />
        Include the root
      </label>
      <p className="field-hint" id={hintId}>
        {rootKnown ? knownHint : unknownHint}
      </p>
    </>
  )
}
