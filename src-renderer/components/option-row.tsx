import { useId } from 'react'

/** One radio of a list of choices, as a row: the title names it, the text under it describes it. */
export function OptionRow({
  name,
  value,
  title,
  text,
  selected,
  disabled = false,
  onSelect,
}: {
  name: string
  value: string
  title: string
  text: string
  selected: boolean
  disabled?: boolean
  onSelect: () => void
}) {
  const id = useId()
  return (
    <label className={`option-row${selected ? ' is-selected' : ''}${disabled ? ' is-disabled' : ''}`}>
      <input
        type="radio"
        name={name}
        value={value}
        checked={selected}
        disabled={disabled}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-text`}
        onChange={onSelect}
      />
      <span className="option-row-title" id={`${id}-title`}>
        {title}
      </span>
      <span className="option-row-text" id={`${id}-text`}>
        {text}
      </span>
    </label>
  )
}
