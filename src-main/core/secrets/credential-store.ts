/**
 * Where CertDesk keeps secrets: the vault data key and Sectigo account passwords. The production
 * implementation is the OS keychain; the in-memory one exists for unit tests of code that only needs
 * "some" store and must not be used by any front door.
 */
export interface CredentialStore {
  /** Human-readable name of the backend, recorded so a change of backend can be detected. */
  readonly backend: string
  get(account: string): Promise<string | null>
  set(account: string, secret: string): Promise<void>
  /** Returns true if something was deleted. */
  delete(account: string): Promise<boolean>
}

export class MemoryCredentialStore implements CredentialStore {
  readonly backend = 'memory'
  private readonly items = new Map<string, string>()
  get(account: string): Promise<string | null> {
    return Promise.resolve(this.items.get(account) ?? null)
  }
  set(account: string, secret: string): Promise<void> {
    this.items.set(account, secret)
    return Promise.resolve()
  }
  delete(account: string): Promise<boolean> {
    return Promise.resolve(this.items.delete(account))
  }
}
