import type { AsyncEntry as AsyncEntryType, EntryOptions } from '@napi-rs/keyring'
import { CoreError } from '../errors'
import type { CredentialStore } from './credential-store'

/** Service name under which every CertDesk item is stored in the OS keychain. */
export const KEYCHAIN_SERVICE = 'CertDesk'
/** A keychain that does not answer within this time is treated as unavailable (a hung D-Bus, a prompt). */
export const KEYCHAIN_TIMEOUT_MS = 10_000

/**
 * OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager, and on Linux the
 * Secret Service, asked for explicitly: the kernel keyring (keyutils) forgets everything at reboot,
 * which would make every stored key undecryptable.
 */
export class KeychainCredentialStore implements CredentialStore {
  readonly backend: string
  private readonly options: EntryOptions

  constructor(private readonly service = KEYCHAIN_SERVICE) {
    this.options = process.platform === 'linux' ? { linux: { store: 'secret-service' } } : {}
    this.backend = process.platform === 'linux' ? 'secret-service' : process.platform === 'darwin' ? 'macos-keychain' : 'windows-credential-manager'
  }

  async get(account: string): Promise<string | null> {
    return this.call('read', account, (entry, signal) => entry.getPassword(signal))
  }

  async set(account: string, secret: string): Promise<void> {
    await this.call('write', account, (entry, signal) => entry.setPassword(secret, signal))
  }

  async delete(account: string): Promise<boolean> {
    return this.call('delete', account, (entry, signal) => entry.deleteCredential(signal))
  }

  private async call<T>(what: string, account: string, fn: (entry: AsyncEntryType, signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS)
    try {
      // The native module loads on the first secret actually read or written, not when core opens: a
      // listing from cron never touches the keychain (or D-Bus) at all.
      const { AsyncEntry } = await import('@napi-rs/keyring')
      return await fn(new AsyncEntry(this.service, account, this.options), signal)
    } catch (e) {
      throw keychainError(what, e)
    }
  }
}

function keychainError(what: string, e: unknown): CoreError {
  const raw = e instanceof Error ? e.message : String(e)
  const hint =
    process.platform === 'linux'
      ? 'Start a Secret Service (GNOME Keyring or KWallet) and unlock it, or use a vault passphrase instead.'
      : 'Unlock the system keychain and try again, or use a vault passphrase instead.'
  return new CoreError('keychain_unavailable', `The OS keychain could not ${what} the secret (${raw}). ${hint}`, { cause: e, retryable: true })
}
