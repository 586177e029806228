import { useCallback, useDeferredValue, useId, useMemo, useState, type ReactNode } from 'react'
import type { MethodOutput } from '../../src-main/core/api/contract'
import { usePagedList } from '../hooks/use-paged-list'
import { countOf, useSelection } from '../hooks/use-selection'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import { LoadingLine } from './loading-line'
import { BulkDeleteDialog, SelectionBar } from './selection-bar'
import { VirtualTable, type Column, type SortState } from './virtual-table'

type BulkDeletionReport = MethodOutput<'keys.deleteMany'>
/** Refusal reasons spelled out after a bulk delete; the rest are counted. */
const REASONS_SHOWN = 3

const rowIdOf = (row: { id: string }): string => row.id

/** What a list method takes from this table: a search, a sort and a page. */
export interface ListQuery {
  query?: string
  sort?: string
  order?: 'asc' | 'desc'
  offset: number
  limit: number
}

/** One list on a BulkList: what it shows and the core methods behind it (module constants: stable). */
export interface ListSpec<T> {
  /** What a row is called ("key", "keys"; the table is named by the plural) and the search box's hint. */
  words: { one: string; many: string; search: string }
  columns: Column<T>[]
  href: (row: T) => string
  fetchPage: (input: ListQuery) => Promise<{ items: T[]; total: number }>
  deleteMany: (ids: string[]) => Promise<BulkDeletionReport>
  deleteNote: ReactNode
  exportSelected?: { label: string; run: (ids: string[]) => Promise<string> }
}

/** "Deleted 2 keys; 1 refused: Key key_… is still needed by …" */
export function deletionMessage(report: BulkDeletionReport, noun: { one: string; many: string }): string {
  const head = `Deleted ${countOf(report.deleted.length, noun.one, noun.many)}`
  if (report.refused.length === 0) return `${head}.`
  const more = report.refused.length - REASONS_SHOWN
  const reasons = report.refused.slice(0, REASONS_SHOWN).map((r) => r.reason)
  return `${head}; ${report.refused.length} refused: ${reasons.join(' ')}${more > 0 ? ` (and ${more} more)` : ''}`
}

/**
 * A searchable, sortable, windowed table over a paged list method (keys, CSRs) with a
 * multi-selection: a deferred search (typing never waits for core), sort by column headers, a
 * result count, "select all matching", bulk delete behind a confirm dialog, and an optional bulk
 * export. Core searches, sorts and pages; the selection clears when the search changes.
 */
export function BulkList<T extends { id: string }>({ spec, onChanged }: { spec: ListSpec<T>; onChanged: () => void }) {
  const { words, columns, href, fetchPage, deleteMany, deleteNote, exportSelected } = spec
  const noun = { one: words.one, many: words.many }
  const label = words.many.charAt(0).toUpperCase() + words.many.slice(1)
  const ids = useId()
  const [search, setSearch] = useState('')
  const needle = useDeferredValue(search.trim())
  const [sort, setSort] = useState<SortState | undefined>(undefined)
  const [confirming, setConfirming] = useState(false)
  const input: Omit<ListQuery, 'offset' | 'limit'> = useMemo(() => ({ ...(needle ? { query: needle } : {}), ...(sort ? { sort: sort.key, order: sort.order } : {}) }), [needle, sort])
  const list = usePagedList(fetchPage, input)
  const selection = useSelection<T>(needle, rowIdOf, (offset, limit) => fetchPage({ ...input, offset, limit }))
  const { busy } = selection
  const onSort = useCallback(
    (key: string) => setSort((s) => (s?.key === key ? { key, order: s.order === 'asc' ? 'desc' : 'asc' } : { key, order: 'asc' })),
    [],
  )
  const deleteSelected = (): Promise<boolean> =>
    selection.run(async () => {
      const report = await deleteMany(selection.ids())
      setConfirming(false)
      selection.clear()
      list.reload()
      onChanged()
      return deletionMessage(report, noun)
    })

  if (list.error) return <ErrorNotice error={list.error} onRetry={list.reload} />
  if (list.total === null) return <LoadingLine />
  return (
    <>
      <div className="list-toolbar">
        <div className="search-box">
          <Icon name="search" className="search-box-icon" />
          <label htmlFor={`${ids}-filter`} className="visually-hidden">
            {`Filter ${noun.many}`}
          </label>
          <input
            id={`${ids}-filter`}
            type="search"
            value={search}
            placeholder={words.search}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
      </div>
      <SelectionBar
        selection={selection}
        total={list.total}
        noun={noun}
        errorShownElsewhere={confirming}
        actions={
          <>
            {exportSelected ? (
              <button type="button" className="button" disabled={busy} onClick={() => void selection.run(() => exportSelected.run(selection.ids()))}>
                {exportSelected.label}
              </button>
            ) : null}
            <button type="button" className="button button-danger" disabled={busy} onClick={() => setConfirming(true)}>
              Delete selected
            </button>
          </>
        }
      />
      <VirtualTable
        label={label}
        columns={columns}
        total={list.total}
        rowAt={list.rowAt}
        rowKey={rowIdOf}
        onRange={list.onRange}
        sort={sort}
        onSort={onSort}
        onOpen={(row) => window.location.assign(href(row))}
        selected={selection.selected}
        onToggle={selection.toggle}
        empty={needle ? `No ${noun.one} matches “${needle}”.` : `No ${noun.many}.`}
      />
      {confirming ? (
        <BulkDeleteDialog selection={selection} noun={noun} onConfirm={() => void deleteSelected()} onClose={() => setConfirming(false)}>
          {deleteNote}
        </BulkDeleteDialog>
      ) : null}
    </>
  )
}
