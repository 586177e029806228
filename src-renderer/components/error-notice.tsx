import { describeError } from '../errors'
import { Notice } from './notice'

/** An error from a contract call, as the user sees it: what kind of problem, and core's message. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const m = describeError(error)
  return (
    <Notice
      tone="error"
      role="alert"
      title={m.title}
      lines={[m.message]}
      action={
        onRetry && m.retryable ? (
          <button type="button" className="button button-small" onClick={onRetry}>
            Try again
          </button>
        ) : null
      }
    />
  )
}
