import type { ReactNode } from 'react'
import { Spinner } from './spinner'

/** A spinner and what is being waited for: "Loading…" unless told. */
export function LoadingLine({ children = 'Loading…' }: { children?: ReactNode }) {
  return (
    <p className="loading-line">
      <Spinner /> {children}
    </p>
  )
}
