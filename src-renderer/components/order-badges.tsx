import type { ReactNode } from 'react'
import { ENVIRONMENT_VIEW, ORDER_STATE_VIEW, type Environment, type OrderState, type Tone } from './order-format'
import { Spinner } from './spinner'

export function ToneBadge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  )
}

/** An order's state; `title` carries core's longer wording. Moving states that CertDesk is working on spin. */
export function OrderStateBadge({ state, title }: { state: OrderState; title?: string }) {
  const view = ORDER_STATE_VIEW[state]
  return (
    <span className={`badge badge-${view.tone} state-badge`} title={title} data-state={state}>
      {state === 'submitting' ? <Spinner /> : null}
      {view.label}
    </span>
  )
}

export function EnvironmentBadge({ environment }: { environment: Environment }) {
  const view = ENVIRONMENT_VIEW[environment]
  return <span className={`env-badge env-${environment}`}>{view.short}</span>
}
