import { useCallback, useEffect, useRef, useState } from 'react'
import { toApiError, type ApiError } from '../api'

export interface Action<A extends unknown[], T> {
  /** Runs the call unless one is already running; resolves with its value, or undefined on failure or when refused. */
  run: (...args: A) => Promise<T | undefined>
  pending: boolean
  error: ApiError | null
  clearError: () => void
}

/**
 * One user-triggered call (place, revoke, test connection…): pending while it runs, its error kept for
 * display. A second run while the first is pending is refused synchronously, so a double-click sends
 * one request even before React has re-rendered the disabled button.
 */
export function useAction<A extends unknown[], T>(
  fn: (...args: A) => Promise<T>,
  opts: { onError?: (e: ApiError) => void } = {},
): Action<A, T> {
  const busy = useRef(false)
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const fnRef = useRef(fn)
  const onErrorRef = useRef(opts.onError)
  useEffect(() => {
    fnRef.current = fn
    onErrorRef.current = opts.onError
  })
  const run = useCallback(async (...args: A): Promise<T | undefined> => {
    if (busy.current) return undefined
    busy.current = true
    setPending(true)
    setError(null)
    try {
      return await fnRef.current(...args)
    } catch (e) {
      const err = toApiError(e)
      setError(err)
      onErrorRef.current?.(err)
      return undefined
    } finally {
      busy.current = false
      setPending(false)
    }
  }, [])
  const clearError = useCallback(() => setError(null), [])
  return { run, pending, error, clearError }
}
