import { useEffect, useState } from 'react'
import { Icon } from './icons'

/** How long "Copied" stays on the button. */
const COPIED_FEEDBACK_MS = 1500

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    // Clipboard API refused (permission, insecure context): fall back to a selection copy.
    const area = document.createElement('textarea')
    area.value = text
    area.setAttribute('readonly', '')
    area.className = 'offscreen'
    document.body.appendChild(area)
    area.select()
    const ok = document.execCommand('copy')
    area.remove()
    return ok
  }
}

export function CopyButton({ text, label, compact }: { text: string; label: string; compact?: boolean }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  useEffect(() => {
    if (state === 'idle') return
    const timer = window.setTimeout(() => setState('idle'), COPIED_FEEDBACK_MS)
    return () => window.clearTimeout(timer)
  }, [state])
  const shown = state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : compact ? 'Copy' : label
  return (
    <button
      type="button"
      className={`button button-ghost button-small${state === 'copied' ? ' is-done' : ''}`}
      aria-label={compact ? label : undefined}
      title={compact ? label : undefined}
      onClick={() => void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'))}
    >
      <Icon name={state === 'copied' ? 'check' : 'copy'} />
      <span aria-live="polite">{shown}</span>
    </button>
  )
}
