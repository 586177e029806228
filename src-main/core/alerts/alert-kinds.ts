/** Every kind of alert the core derives; Settings can mute each one. */
export const ALERT_KINDS = ['cert_due', 'order_collected', 'order_waiting', 'order_stuck', 'account_locked', 'endpoint_problem'] as const
export type AlertKind = (typeof ALERT_KINDS)[number]

/** What the user sees next to each switch in Settings. */
export const ALERT_KIND_LABELS: Readonly<Record<AlertKind, string>> = {
  cert_due: 'A certificate is due for renewal or has expired',
  order_collected: 'An order was issued and its certificate collected',
  order_waiting: 'An order waits on you (domain validation, OV callback, EV click-through)',
  order_stuck: 'An order is stuck (answer lost, refused, or has a problem)',
  account_locked: 'A Sectigo account stopped working (login refused, -16)',
  endpoint_problem: 'A watched server has a problem: another certificate than the stored one, a broken chain, an invalid certificate, or no answer',
}
