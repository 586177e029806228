import { useId, useState, type FormEvent } from 'react'
import type { MethodOutput } from '../../src-main/core/api/contract'
import { call, toApiError, type ApiError } from '../api'
import { ErrorNotice } from './error-notice'
import { Icon } from './icons'
import { Spinner } from './spinner'

type VaultStatus = MethodOutput<'vault.status'>

function PassphraseForm({ mode, onDone }: { mode: 'setup' | 'unlock'; onDone: (s: VaultStatus) => void }) {
  const ids = useId()
  const [passphrase, setPassphrase] = useState('')
  const [confirm, setConfirm] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const mismatch = mode === 'setup' && confirm !== '' && confirm !== passphrase

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault()
    if (mismatch || passphrase === '') return
    setBusy(true)
    setError(null)
    try {
      const status = await call(mode === 'setup' ? 'vault.setupPassphrase' : 'vault.unlock', { passphrase })
      setPassphrase('')
      setConfirm('')
      onDone(status)
    } catch (e) {
      setError(toApiError(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      className="vault-form"
      onSubmit={(e) => void submit(e)}
      aria-label={mode === 'setup' ? 'Set a vault passphrase' : 'Unlock the vault'}
    >
      <div className="field">
        <label htmlFor={`${ids}-pw`}>{mode === 'setup' ? 'New vault passphrase' : 'Vault passphrase'}</label>
        <input
          id={`${ids}-pw`}
          type="password"
          value={passphrase}
          autoComplete={mode === 'setup' ? 'new-password' : 'current-password'}
          onChange={(e) => setPassphrase(e.target.value)}
        />
      </div>
      {mode === 'setup' ? (
        <div className="field">
          <label htmlFor={`${ids}-confirm`}>Repeat passphrase</label>
          <input
            id={`${ids}-confirm`}
            type="password"
            value={confirm}
            autoComplete="new-password"
            aria-invalid={mismatch || undefined}
            onChange={(e) => setConfirm(e.target.value)}
          />
          {mismatch ? <p className="field-error">The two passphrases differ.</p> : null}
        </div>
      ) : null}
      <button
        type="submit"
        className="button button-primary"
        disabled={busy || passphrase === '' || (mode === 'setup' && confirm !== passphrase)}
      >
        {busy ? <Spinner /> : <Icon name="lock" />}
        {mode === 'setup' ? 'Set passphrase' : 'Unlock'}
      </button>
      {error ? <ErrorNotice error={error} /> : null}
    </form>
  )
}

/**
 * Says when stored keys cannot be used, and offers the way out: a passphrase where there is no OS
 * keychain, the unlock form for a passphrase vault, or an explanation when the data key is gone.
 */
export function VaultBanner({
  status,
  keychainFailed,
  onChange,
}: {
  status: VaultStatus | undefined
  keychainFailed: boolean
  onChange: () => void
}) {
  if (!status) return null
  // A fresh vault reports "uninitialized" until the keychain is first used; once that use has failed,
  // offer the passphrase right away instead of leaving the user with an error and no way out.
  const state = status.state === 'uninitialized' && keychainFailed ? 'keychain_unavailable' : status.state
  switch (state) {
    case 'ready':
    case 'uninitialized':
      return null
    case 'locked':
      return (
        <section className="banner banner-warning" aria-label="Key vault">
          <Icon name="lock" className="banner-icon" />
          <div className="banner-body">
            <strong>The key vault is locked.</strong>
            <p>
              Enter the vault passphrase to make CSRs with stored keys. It stays unlocked until CertDesk
              closes.
            </p>
            <PassphraseForm mode="unlock" onDone={onChange} />
          </div>
        </section>
      )
    case 'keychain_unavailable':
      if (status.mode === 'keychain') {
        return (
          <section className="banner banner-warning" aria-label="Key vault">
            <Icon name="alert" className="banner-icon" />
            <div className="banner-body">
              <strong>The OS keychain is not answering.</strong>
              <p>
                CertDesk keeps the key that protects your private keys there. Unlock or start the keychain
                (GNOME Keyring or KWallet on Linux), then check again.
              </p>
              <button type="button" className="button button-small" onClick={onChange}>
                Check again
              </button>
            </div>
          </section>
        )
      }
      return (
        <section className="banner banner-warning" aria-label="Key vault">
          <Icon name="lock" className="banner-icon" />
          <div className="banner-body">
            <strong>No OS keychain was found.</strong>
            <p>
              Set a vault passphrase to protect private keys instead. You will enter it once each time
              CertDesk starts; without it, stored keys cannot be used, and it cannot be recovered.
            </p>
            <PassphraseForm mode="setup" onDone={onChange} />
          </div>
        </section>
      )
    case 'key_missing':
      return (
        <section className="banner banner-error" aria-label="Key vault">
          <Icon name="error" className="banner-icon" />
          <div className="banner-body">
            <strong>The vault’s key is missing from the OS keychain.</strong>
            <p>
              Private keys stored earlier cannot be decrypted. This happens when the keychain entry was
              deleted or the data folder was copied from another computer or user account. Restore that
              keychain, or use the original computer. Decoding CSRs still works.
            </p>
            <button type="button" className="button button-small" onClick={onChange}>
              Check again
            </button>
          </div>
        </section>
      )
  }
}
