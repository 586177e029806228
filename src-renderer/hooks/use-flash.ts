import { useCallback, useState } from 'react'
import { navigate, routeHref, type Route } from '../routes'

/** A message for the page an action ends on: "Deleted key …" over the list the user is sent back to. */
export interface PageFlash {
  title: string
  lines: string[]
}

/** Sends the user to `to` and shows `flash` there. */
export type GoWithFlash = (to: Route, flash: PageFlash) => void

/**
 * One flash at a time, shown on the route it was left for and dropped as soon as the user moves on.
 * It lives in the app frame because every route gets a fresh page, which would forget it.
 */
export function useFlash(href: string): { flash: PageFlash | null; goWithFlash: GoWithFlash } {
  const [pending, setPending] = useState<{ href: string; flash: PageFlash } | null>(null)
  const [shownAt, setShownAt] = useState(href)
  if (href !== shownAt) {
    setShownAt(href)
    if (pending && pending.href !== href) setPending(null)
  }
  const goWithFlash = useCallback<GoWithFlash>((to, flash) => {
    // The hash changes at once, so the render this state update causes is already on `to`.
    navigate(to)
    setPending({ href: routeHref(to), flash })
  }, [])
  return { flash: pending?.href === href ? pending.flash : null, goWithFlash }
}
