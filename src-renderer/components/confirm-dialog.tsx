import { useId, useRef, type FormEvent, type ReactNode } from 'react'
import { useModalDialog } from '../hooks/use-modal-dialog'
import { ErrorNotice } from './error-notice'
import { Spinner } from './spinner'

/**
 * A modal question before something that costs money or cannot be undone. Native <dialog>: focus is
 * trapped inside and goes back to the opener when it closes (useModalDialog), Escape cancels (except
 * while the call runs). Mount it only while open; it opens itself.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger,
  busy,
  confirmDisabled,
  error,
  onConfirm,
  onClose,
}: {
  title: string
  children: ReactNode
  confirmLabel: string
  danger?: boolean
  busy: boolean
  confirmDisabled?: boolean
  error?: unknown
  onConfirm: () => void
  onClose: () => void
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useModalDialog(ref)
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    if (!busy && !confirmDisabled) onConfirm()
  }
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault()
        if (!busy) onClose()
      }}
    >
      <form className="dialog-form" onSubmit={submit} noValidate>
        <h2 className="dialog-title" id={titleId}>
          {title}
        </h2>
        <div className="dialog-body">{children}</div>
        {error ? <ErrorNotice error={error} /> : null}
        <div className="dialog-footer">
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="submit"
            className={`button ${danger ? 'button-danger' : 'button-primary'}`}
            disabled={busy || confirmDisabled}
          >
            {busy ? <Spinner /> : null}
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  )
}
