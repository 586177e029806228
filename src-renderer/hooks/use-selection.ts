import { useCallback, useState } from 'react'

/** Most rows one bulk action takes (core's MAX_SELECTED_IDS). */
export const MAX_SELECTED = 1000
/** Rows fetched per call when "select all matching" gathers ids. */
const SELECT_ALL_PAGE = 1000

export interface Selection<T> {
  selected: ReadonlySet<string>
  ids: () => string[]
  toggle: (row: T, on: boolean) => void
  clear: () => void
  /** Selects the first MAX_SELECTED of `total` matching rows, fetched a page at a time. */
  selectAll: (total: number) => Promise<void>
  /** A bulk action runs: its buttons are disabled. */
  busy: boolean
  error: unknown
  /** What the last bulk action did, in a sentence. */
  message: string
  /** Runs a bulk action (busy meanwhile, its error kept); resolves true when it succeeded. */
  run: (action: () => Promise<string>) => Promise<boolean>
}

/**
 * A table's multi-selection and its bulk actions. The selection belongs to the rows the user saw:
 * a new `scope` (filter or search, not the sort) clears it, so a bulk delete never takes rows that
 * are no longer on screen (React's adjust-state-on-change pattern).
 */
export function useSelection<T>(
  scope: string,
  rowId: (row: T) => string,
  fetchPage: (offset: number, limit: number) => Promise<{ items: T[] }>,
): Selection<T> {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set())
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [message, setMessage] = useState('')
  const [selectionFor, setSelectionFor] = useState(scope)
  if (selectionFor !== scope) {
    setSelectionFor(scope)
    setSelected(new Set())
  }

  const toggle = useCallback(
    (row: T, on: boolean) =>
      setSelected((s) => {
        const next = new Set(s)
        if (on) next.add(rowId(row))
        else next.delete(rowId(row))
        return next
      }),
    [rowId],
  )
  const clear = useCallback(() => setSelected(new Set()), [])
  const run = async (action: () => Promise<string>): Promise<boolean> => {
    setBusy(true)
    setError(null)
    try {
      setMessage(await action())
      return true
    } catch (e) {
      setError(e)
      return false
    } finally {
      setBusy(false)
    }
  }
  const selectAll = async (total: number): Promise<void> => {
    const upTo = Math.min(total, MAX_SELECTED)
    await run(async () => {
      const next = new Set<string>()
      for (let offset = 0; offset < upTo; offset += SELECT_ALL_PAGE) {
        const page = await fetchPage(offset, Math.min(SELECT_ALL_PAGE, upTo - offset))
        page.items.forEach((row) => next.add(rowId(row)))
      }
      setSelected(next)
      return ''
    })
  }
  return { selected, ids: () => [...selected], toggle, clear, selectAll, busy, error, message, run }
}

/** "3 keys" / "1 key". */
export function countOf(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}
