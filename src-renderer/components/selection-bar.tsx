import type { ReactNode } from 'react'
import { MAX_SELECTED, countOf, type Selection } from '../hooks/use-selection'
import { ConfirmDialog } from './confirm-dialog'
import { ErrorNotice } from './error-notice'

/**
 * The line above a multi-select table: how many rows match and how many are selected (a live
 * status), "Select all N matching" (up to MAX_SELECTED), "Clear selection", the bulk actions that
 * need a selection (`actions`, shown only then), and actions on the whole filtered set (`always`).
 * Then what the last bulk action did, or why it failed (unless a dialog shows the failure).
 */
export function SelectionBar<T>({
  selection,
  total,
  noun,
  actions,
  always,
  errorShownElsewhere,
}: {
  selection: Selection<T>
  total: number
  noun: { one: string; many: string }
  actions: ReactNode
  always?: ReactNode
  errorShownElsewhere?: boolean
}) {
  const { selected, busy } = selection
  return (
    <>
      <div className="list-toolbar" role="group" aria-label="Results">
        <p className="muted small" role="status" data-testid="result-count">
          {countOf(total, noun.one, noun.many)}
          {selected.size ? `, ${selected.size} selected` : ''}
        </p>
        <button type="button" className="button" disabled={busy || total === 0} onClick={() => void selection.selectAll(total)}>
          {`Select all ${Math.min(total, MAX_SELECTED)} matching`}
        </button>
        {selected.size ? (
          <>
            <button type="button" className="button" disabled={busy} onClick={selection.clear}>
              Clear selection
            </button>
            {actions}
          </>
        ) : null}
        {always}
      </div>
      {selection.message ? <p role="status">{selection.message}</p> : null}
      {selection.error && !errorShownElsewhere ? <ErrorNotice error={selection.error} /> : null}
    </>
  )
}

/** "Delete 3 keys?": the confirm dialog before a bulk delete; a failure shows inside it. */
export function BulkDeleteDialog<T>({
  selection,
  noun,
  onConfirm,
  onClose,
  children,
}: {
  selection: Selection<T>
  noun: { one: string; many: string }
  onConfirm: () => void
  onClose: () => void
  children: ReactNode
}) {
  return (
    <ConfirmDialog
      title={`Delete ${countOf(selection.selected.size, noun.one, noun.many)}?`}
      confirmLabel="Delete"
      danger
      busy={selection.busy}
      error={selection.error}
      onConfirm={onConfirm}
      onClose={onClose}
    >
      {children}
    </ConfirmDialog>
  )
}
