import { useState } from 'react'
import { formatDate } from '../format'
import { Card } from './card'
import { ACTOR_LABELS, eventDetail, eventLabel, type OrderDetail } from './order-format'

/** How many events show before "Show all". */
const EVENTS_SHOWN = 12

/** The order's audit trail, newest first: who did what, and why. Never carries a secret. */
export function OrderHistory({ order }: { order: OrderDetail }) {
  const [showAll, setShowAll] = useState(false)
  const events = showAll ? order.events : order.events.slice(0, EVENTS_SHOWN)
  return (
    <Card title="History" actions={<span className="muted small">{order.events.length} events</span>} flush>
      <ol className="timeline" aria-label="Order history">
        {events.map((e, i) => {
          const detail = eventDetail(e.detail)
          return (
            <li key={`${e.at}-${e.action}-${i}`} className="timeline-item">
              <span className="timeline-time nowrap">{formatDate(e.at)}</span>
              <span className="timeline-body">
                <span className="timeline-what">{eventLabel(e.action)}</span>
                <span className="timeline-who muted"> · {ACTOR_LABELS[e.actor] ?? e.actor}</span>
                {detail ? <span className="timeline-detail">{detail}</span> : null}
              </span>
            </li>
          )
        })}
      </ol>
      {!showAll && order.events.length > EVENTS_SHOWN ? (
        <div className="card-footer">
          <button type="button" className="button button-ghost button-small" onClick={() => setShowAll(true)}>
            Show all {order.events.length} events
          </button>
        </div>
      ) : null}
    </Card>
  )
}
