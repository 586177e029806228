import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react'

/** Height of one row in pixels; rows are fixed-height so the virtualizer needs no measuring. */
export const ROW_HEIGHT_PX = 44
/** Rows rendered beyond the visible ones, above and below. */
const OVERSCAN_ROWS = 8
/** Height of the scrolling area. */
const VIEWPORT_HEIGHT_PX = 560

export interface Column<T> {
  id: string
  header: string
  /** Set when core can sort by this column. */
  sortKey?: string
  cell: (row: T) => ReactNode
  /** The first column is a row header (<th scope="row">). */
  rowHeader?: boolean
}

export interface SortState {
  key: string
  order: 'asc' | 'desc'
}

/**
 * A table whose rows are windowed with TanStack Virtual: only the visible rows (plus overscan) are in
 * the DOM, the rest are spacer rows, so real <table> semantics survive. Rows are asked for by index;
 * `rowAt` returns undefined for a row not yet fetched, and `onRange` tells the owner which rows are
 * visible so it can fetch their page. Sorting is the owner's (core sorts); headers show aria-sort.
 */
export function VirtualTable<T>({
  label,
  columns,
  total,
  rowAt,
  rowKey,
  onRange,
  sort,
  onSort,
  onOpen,
  selected,
  onToggle,
  empty,
}: {
  label: string
  columns: Column<T>[]
  total: number
  rowAt: (index: number) => T | undefined
  rowKey: (row: T) => string
  onRange: (first: number, last: number) => void
  sort?: SortState
  onSort?: (key: string) => void
  onOpen?: (row: T) => void
  selected?: ReadonlySet<string>
  onToggle?: (row: T, on: boolean) => void
  empty: ReactNode
}) {
  const scroller = useRef<HTMLDivElement>(null)
  // TanStack Virtual returns fresh values from a stable object; the React compiler skips this component, which is fine.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: OVERSCAN_ROWS,
    initialRect: { width: 1000, height: VIEWPORT_HEIGHT_PX },
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? -1
  useEffect(() => {
    if (last >= first) onRange(first, last)
  }, [first, last, onRange])

  const before = items[0]?.start ?? 0
  const after = virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0)
  const span = columns.length + (onToggle ? 1 : 0)
  const key = (e: KeyboardEvent, row: T | undefined): void => {
    if (e.key === 'Enter' && row && onOpen && e.target === e.currentTarget) onOpen(row)
  }

  return (
    <div ref={scroller} className="table-wrap card virtual-scroll" style={{ maxHeight: VIEWPORT_HEIGHT_PX, overflowY: 'auto' }}>
      <table className="table cert-table" aria-label={label} aria-rowcount={total + 1}>
        <thead style={{ position: 'sticky', top: 0, zIndex: 1 }}>
          <tr aria-rowindex={1}>
            {onToggle ? (
              <th scope="col">
                <span className="visually-hidden">Selected</span>
              </th>
            ) : null}
            {columns.map((c) => {
              const active = sort && c.sortKey && sort.key === c.sortKey
              return (
                <th
                  key={c.id}
                  scope="col"
                  aria-sort={c.sortKey ? (active ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none') : undefined}
                >
                  {c.sortKey && onSort ? (
                    <button type="button" className="sort-button" onClick={() => onSort(c.sortKey ?? '')}>
                      {c.header}
                      <span aria-hidden="true">{active ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody>
          {total === 0 ? (
            <tr>
              <td colSpan={span} className="table-empty">
                {empty}
              </td>
            </tr>
          ) : null}
          {before > 0 ? (
            <tr aria-hidden="true" className="virtual-spacer">
              <td colSpan={span} style={{ height: before, padding: 0, border: 0 }} />
            </tr>
          ) : null}
          {items.map((v) => {
            const row = rowAt(v.index)
            const id = row !== undefined ? rowKey(row) : `pending-${v.index}`
            return (
              <tr
                key={id}
                aria-rowindex={v.index + 2}
                style={{ height: ROW_HEIGHT_PX }}
                tabIndex={row && onOpen ? 0 : undefined}
                onKeyDown={(e) => key(e, row)}
                aria-selected={row && selected ? selected.has(id) : undefined}
              >
                {onToggle ? (
                  <td>
                    {row !== undefined ? (
                      <input
                        type="checkbox"
                        aria-label={`Select row ${v.index + 1}`}
                        checked={selected?.has(id) ?? false}
                        onChange={(e) => onToggle(row, e.target.checked)}
                      />
                    ) : null}
                  </td>
                ) : null}
                {columns.map((c) =>
                  c.rowHeader ? (
                    <th key={c.id} scope="row">
                      {row !== undefined ? c.cell(row) : <span className="muted">Loading…</span>}
                    </th>
                  ) : (
                    <td key={c.id}>{row !== undefined ? c.cell(row) : null}</td>
                  ),
                )}
              </tr>
            )
          })}
          {after > 0 ? (
            <tr aria-hidden="true" className="virtual-spacer">
              <td colSpan={span} style={{ height: after, padding: 0, border: 0 }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  )
}
