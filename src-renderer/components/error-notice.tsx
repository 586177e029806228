import { describeError } from '../errors'
import { Icon } from './icons'

/** An error from a contract call, as the user sees it: what kind of problem, and core's message. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const m = describeError(error)
  return (
    <div className="notice notice-error" role="alert">
      <Icon name="error" className="notice-icon" />
      <div className="notice-body">
        <strong className="notice-title">{m.title}</strong>
        <p className="notice-text">{m.message}</p>
      </div>
      {onRetry && m.retryable ? (
        <button type="button" className="button button-small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  )
}
