import { Icon } from './icons'

/**
 * Sectigo passwords live only in the OS keychain, so without it no account can call the CA (and no
 * account can be added). Core's message says whether the keychain is missing or locked.
 */
export function AccountKeychainBanner({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <section className="banner banner-warning" aria-label="OS keychain">
      <Icon name="lock" className="banner-icon" />
      <div className="banner-body">
        <strong>The OS keychain cannot be read, so accounts cannot reach the CA.</strong>
        <p>{message}</p>
        <p className="muted small">
          CertDesk never falls back to storing passwords in its database. Orders and certificates stay visible;
          nothing is sent until the keychain answers.
        </p>
        <div>
          <button type="button" className="button button-small" onClick={onRetry}>
            <Icon name="refresh" />
            Check again
          </button>
        </div>
      </div>
    </section>
  )
}
