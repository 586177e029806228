import { useId } from 'react'

export interface Choice<T extends string> {
  value: T
  title: string
  text: string
}

/** A radio group where each option needs a sentence: one card per option, the chosen one marked. */
export function ChoiceCards<T extends string>({
  label,
  choices,
  value,
  onChange,
  compact,
}: {
  label: string
  choices: readonly Choice<T>[]
  value: T
  onChange: (value: T) => void
  compact?: boolean
}) {
  const name = useId()
  return (
    <div
      className={`choice-cards${compact ? ' choice-cards-compact' : ''}`}
      role="radiogroup"
      aria-label={label}
    >
      {choices.map((c) => (
        <label key={c.value} className={`choice-card${value === c.value ? ' is-selected' : ''}`}>
          <input
            type="radio"
            name={name}
            value={c.value}
            checked={value === c.value}
            onChange={() => onChange(c.value)}
          />
          <span className="choice-card-title">{c.title}</span>
          <span className="choice-card-text">{c.text}</span>
        </label>
      ))}
    </div>
  )
}
