import { useCallback, useEffect, useRef, useState } from 'react'
import { call, toApiError, type ApiError } from '../api'

/** Rows asked of core at once as the user scrolls. */
export const LIST_PAGE_SIZE = 100

interface Page<T> {
  items: T[]
  total: number
}

/**
 * Rows of a paged list method fetched a page at a time as they come into view, cached per filter.
 * A new `input` (filter, search, sort) drops the cache. Never fetches the whole list.
 */
export function usePagedList<T, I extends object>(
  fetchPage: (input: I & { offset: number; limit: number }) => Promise<Page<T>>,
  input: I,
): {
  total: number | null
  rowAt: (index: number) => T | undefined
  onRange: (first: number, last: number) => void
  error: ApiError | null
  reload: () => void
  loadedRows: () => T[]
} {
  const signature = JSON.stringify(input)
  const [generation, setGeneration] = useState(0)
  const pages = useRef(new Map<number, T[]>())
  const asked = useRef(new Set<number>())
  const [total, setTotal] = useState<number | null>(null)
  const [failure, setFailure] = useState<{ key: string; error: ApiError } | null>(null)
  const [, setTick] = useState(0)
  const live = useRef('')

  const load = useCallback(
    (page: number) => {
      const key = `${signature}#${generation}`
      if (asked.current.has(page)) return
      asked.current.add(page)
      const args = { ...(JSON.parse(signature) as I), offset: page * LIST_PAGE_SIZE, limit: LIST_PAGE_SIZE }
      fetchPage(args).then(
        (result) => {
          if (live.current !== key) return
          pages.current.set(page, result.items)
          setTotal(result.total)
          setTick((t) => t + 1)
        },
        (e: unknown) => {
          if (live.current !== key) return
          asked.current.delete(page)
          setFailure({ key, error: toApiError(e) })
        },
      )
    },
    [signature, generation, fetchPage],
  )

  useEffect(() => {
    live.current = `${signature}#${generation}`
    pages.current = new Map()
    asked.current = new Set()
    load(0)
  }, [signature, generation, load])

  const onRange = useCallback(
    (first: number, last: number) => {
      for (let p = Math.floor(first / LIST_PAGE_SIZE); p <= Math.floor(last / LIST_PAGE_SIZE); p++) load(p)
    },
    [load],
  )
  const rowAt = (index: number): T | undefined => pages.current.get(Math.floor(index / LIST_PAGE_SIZE))?.[index % LIST_PAGE_SIZE]
  const loadedRows = (): T[] => [...pages.current.values()].flat()
  const error = failure && failure.key === `${signature}#${generation}` ? failure.error : null
  return { total, rowAt, onRange, error, reload: () => setGeneration((g) => g + 1), loadedRows }
}

export { call }
