/**
 * Paging for every list a front door asks for (issue 12: no method returns an unbounded list). A page is
 * `limit` items from `offset`, with the total that match, so a table can size its scrollbar and fetch
 * the rows it shows; the CLI streams a whole list page by page.
 */

/** A page when the caller names no size: a screenful and a half of a table. */
export const DEFAULT_PAGE_SIZE = 100
/** The largest page any list method returns. */
export const MAX_PAGE_SIZE = 1000

/** One page of a list: `items` from `offset`, and how many match in all. */
export interface Page<T> {
  items: T[]
  total: number
  offset: number
  limit: number
}

export interface PageRequest {
  offset?: number
  limit?: number
}

/** Caps a page request to [0, MAX_PAGE_SIZE] items from offset >= 0. */
export function pageBounds(p: PageRequest): { offset: number; limit: number } {
  return { offset: Math.max(0, Math.floor(p.offset ?? 0)), limit: Math.min(MAX_PAGE_SIZE, Math.max(0, Math.floor(p.limit ?? DEFAULT_PAGE_SIZE))) }
}

/** A LIKE pattern matching `text` anywhere, with % _ and \ taken literally (use with ESCAPE '\'). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/**
 * An ORDER BY for a sortable list: `column` in the direction asked, then created_at and id the same
 * way so equal values keep one order and pages never overlap. The default sort (created_at) runs
 * newest first; any other runs ascending unless `order` says otherwise.
 */
export function sortClause(column: string, sort: string | undefined, order: 'asc' | 'desc' | undefined): string {
  const dir = (order ?? (sort && sort !== 'createdAt' ? 'asc' : 'desc')) === 'asc' ? 'ASC' : 'DESC'
  return column === 'created_at' ? `created_at ${dir}, id ${dir}` : `${column} ${dir}, created_at ${dir}, id ${dir}`
}
