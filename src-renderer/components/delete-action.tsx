import { useState, type ReactNode } from 'react'
import type { MethodOutput } from '../../src-main/core/api/contract'
import { call } from '../api'
import { useAction } from '../hooks/use-action'
import type { GoWithFlash, PageFlash } from '../hooks/use-flash'
import type { Route } from '../routes'
import { plural } from './cert-format'
import { ConfirmDialog } from './confirm-dialog'

type DeletionReport = MethodOutput<'keys.delete'>

type DeletableKind = 'key' | 'csr' | 'certificate'

/** What a Delete button removes: its kind, its id, and the name the user knows it by. */
export interface Deletable {
  kind: DeletableKind
  id: string
  name: string
}

const DELETIONS: Readonly<
  Record<DeletableKind, { word: string; list: Route; remove: (id: string) => Promise<DeletionReport> }>
> = {
  key: { word: 'key', list: { section: 'keys', view: 'keys' }, remove: (id) => call('keys.delete', { id }) },
  csr: { word: 'CSR', list: { section: 'keys', view: 'csrs' }, remove: (id) => call('csrs.delete', { id }) },
  certificate: {
    word: 'certificate',
    list: { section: 'certificates', view: 'list' },
    remove: (id) => call('certs.delete', { id }),
  },
}

/**
 * The Delete button of a detail page and its confirmation, which says what goes and what stays
 * (`children`). Whether the item may go is core's call: when something still needs it, core's refusal
 * (what needs it, and what to do) shows in the dialog and nothing changes. After a deletion the user
 * is back on the list, told what went.
 */
export function DeleteAction({
  target,
  goWithFlash,
  children,
}: {
  target: Deletable
  goWithFlash: GoWithFlash
  children: ReactNode
}) {
  const [open, setOpen] = useState(false)
  const { word, list, remove } = DELETIONS[target.kind]
  const deletion = useAction(() => remove(target.id))
  const confirm = async (): Promise<void> => {
    const report = await deletion.run()
    if (report) goWithFlash(list, deletionFlash(word, target.name, report))
  }
  return (
    <>
      <button type="button" className="button button-danger-text" onClick={() => setOpen(true)}>
        Delete…
      </button>
      {open ? (
        <ConfirmDialog
          title={`Delete ${word} “${target.name}”?`}
          confirmLabel={`Delete ${word}`}
          danger
          busy={deletion.pending}
          error={deletion.error}
          onConfirm={() => void confirm()}
          onClose={() => {
            // A refusal belongs to this attempt: the next opening starts clean.
            deletion.clearError()
            setOpen(false)
          }}
        >
          {children}
          <p className="muted">
            This cannot be undone. Only a backup made before (Settings, Backup) brings it back.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  )
}

/** What a deletion did, for the list the user returns to: what went with the item and what stayed. */
function deletionFlash(what: string, name: string, r: DeletionReport): PageFlash {
  const lines: string[] = []
  if (r.deleted.keys.length > 0 && r.deleted.csrs.length > 0) {
    lines.push(`${plural(r.deleted.csrs.length, 'CSR')} made with it and used by no order went with it.`)
  }
  const kept = [
    [r.unlinked.certificates.length, 'certificate'],
    [r.unlinked.orders.length, 'order'],
    [r.unlinked.csrs.length, 'CSR'],
  ] as const
  const keptWords = kept.filter(([n]) => n > 0).map(([n, word]) => plural(n, word))
  if (keptWords.length > 0) lines.push(`Kept as history, without the key: ${keptWords.join(', ')}.`)
  return { title: `Deleted ${what} “${name}”.`, lines: [...lines, ...r.notes] }
}
