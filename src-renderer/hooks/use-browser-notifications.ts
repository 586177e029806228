import { useCallback, useEffect, useState } from 'react'
import { call, currentFrontDoor } from '../api'
import { useInterval } from './use-interval'

/**
 * The web shell's notifications: after the user opts in (Settings) and the browser grants the
 * permission, alerts the core has not shown in this channel yet become browser notifications; a click
 * focuses the tab and opens the alert's page. The desktop app shows OS notifications from its main
 * process instead, so this does nothing there.
 */

/** How often the tab asks for new alerts while it is open. */
export const BROWSER_ALERT_POLL_MS = 60_000
const OPT_IN_KEY = 'certdesk.notifications'

export type BrowserNotificationState = 'unsupported' | 'desktop-app' | 'off' | 'denied' | 'on'

function readState(): BrowserNotificationState {
  if (currentFrontDoor() === 'electron') return 'desktop-app'
  if (typeof Notification === 'undefined') return 'unsupported'
  if (Notification.permission === 'denied') return 'denied'
  return Notification.permission === 'granted' && localStorage.getItem(OPT_IN_KEY) === 'on' ? 'on' : 'off'
}

/** Opting in and out, for the Settings card. */
export function useBrowserNotificationSetting(): { state: BrowserNotificationState; turnOn: () => Promise<void>; turnOff: () => void } {
  const [state, setState] = useState(readState)
  const turnOn = useCallback(async () => {
    const permission = await Notification.requestPermission()
    if (permission === 'granted') localStorage.setItem(OPT_IN_KEY, 'on')
    setState(readState())
    window.dispatchEvent(new Event('certdesk-notifications'))
  }, [])
  const turnOff = useCallback(() => {
    localStorage.removeItem(OPT_IN_KEY)
    setState(readState())
    window.dispatchEvent(new Event('certdesk-notifications'))
  }, [])
  return { state, turnOn, turnOff }
}

/** Runs in the app frame: shows each alert once per state while this tab is open and opted in. */
export function useBrowserNotifications(): void {
  const [on, setOn] = useState(() => readState() === 'on')
  useEffect(() => {
    const update = () => setOn(readState() === 'on')
    window.addEventListener('certdesk-notifications', update)
    return () => window.removeEventListener('certdesk-notifications', update)
  }, [])
  const poll = useCallback(() => {
    if (!on) return
    call('alerts.claim', { channel: 'browser' }).then(
      (alerts) => {
        for (const a of alerts) {
          const n = new Notification(a.title, { body: a.body, tag: a.key })
          n.onclick = () => {
            window.focus()
            window.location.hash = a.link.slice(1)
            n.close()
          }
        }
      },
      // A failed poll is retried on the next tick; the Activity page shows the same alerts meanwhile.
      () => undefined,
    )
  }, [on])
  useEffect(poll, [poll])
  useInterval(poll, on ? BROWSER_ALERT_POLL_MS : null)
}
