import { useEffect, useRef } from 'react'

/** Calls `fn` every `ms` milliseconds while `ms` is not null; the latest `fn` is always the one called. */
export function useInterval(fn: () => void, ms: number | null): void {
  const ref = useRef(fn)
  useEffect(() => {
    ref.current = fn
  })
  useEffect(() => {
    if (ms === null) return
    const timer = window.setInterval(() => ref.current(), ms)
    return () => window.clearInterval(timer)
  }, [ms])
}
