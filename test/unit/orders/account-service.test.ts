import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AccountService, passwordItem } from '../../../src-main/core/accounts/account-service'
import { CoreError } from '../../../src-main/core/errors'
import { createLogger, silentLogger } from '../../../src-main/core/log/logger'
import { MemoryCredentialStore, type CredentialStore } from '../../../src-main/core/secrets/credential-store'
import { closeDatabase, openDatabase } from '../../../src-main/core/store/db'
import { listEvents } from '../../../src-main/core/store/events-repo'
import { fixedClock } from '../../../src-main/core/util/clock'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const clock = fixedClock(new Date('2026-11-28T12:00:00Z'))

function service(credentials: CredentialStore | null): { accounts: AccountService; file: string; close(): void } {
  const file = join(tempDir(), 'a.db')
  const db = openDatabase(file)
  const accounts = new AccountService({ db, clock, logger: silentLogger, credentials, sandbox: null })
  return { accounts, file, close: () => closeDatabase(db) }
}

class LockedKeychain implements CredentialStore {
  readonly backend = 'secret-service'
  get(): Promise<string | null> {
    return Promise.reject(new CoreError('keychain_unavailable', 'The OS keychain could not read the secret (locked). Unlock it and try again.'))
  }
  set(): Promise<void> {
    return Promise.reject(new CoreError('keychain_unavailable', 'The OS keychain could not write the secret (locked).'))
  }
  delete(): Promise<boolean> {
    return Promise.resolve(false)
  }
}

describe('Sectigo accounts', () => {
  it('keeps the password in the keychain only, and tells only whether one is stored', async () => {
    const store = new MemoryCredentialStore()
    const s = service(store)
    const a = await s.accounts.add({ label: 'Main', loginName: 'reseller', environment: 'production', password: 'pw-in-keychain-only' }, 'ui')
    expect(a).toMatchObject({ label: 'Main', loginName: 'reseller', environment: 'production', hasPassword: true, passwordState: 'stored', status: 'ok', baseUrl: null })
    expect(JSON.stringify(a)).not.toContain('pw-in-keychain-only')
    expect(await store.get(passwordItem(a.id))).toBe('pw-in-keychain-only')
    s.close()
    expect(readFileSync(s.file).includes('pw-in-keychain-only')).toBe(false)
    expect(listEvents(openDatabase(s.file)).map((e) => e.action)).toContain('account.added')
  })

  it('needs a password except for sandbox accounts, which default to the demo one', async () => {
    const store = new MemoryCredentialStore()
    const s = service(store)
    await expect(s.accounts.add({ label: 'P', loginName: 'x', environment: 'production' }, 'ui')).rejects.toThrow(/needs its API password/)
    const sb = await s.accounts.add({ label: 'S', loginName: 'sandbox', environment: 'sandbox' }, 'ui')
    expect(await store.get(passwordItem(sb.id))).toBe('sandbox')
    s.close()
  })

  it('refuses duplicate labels, non-https base URLs and base URLs on sandbox accounts', async () => {
    const s = service(new MemoryCredentialStore())
    await s.accounts.add({ label: 'A', loginName: 'x', environment: 'production', password: 'p' }, 'ui')
    await expect(s.accounts.add({ label: 'A', loginName: 'y', environment: 'test_mode', password: 'p' }, 'ui')).rejects.toThrow(/exists already/)
    await expect(s.accounts.add({ label: 'B', loginName: 'y', environment: 'production', password: 'p', baseUrl: 'http://example.com' }, 'ui')).rejects.toThrow(/https/)
    await expect(s.accounts.add({ label: 'C', loginName: 'y', environment: 'sandbox', baseUrl: 'https://example.com' }, 'ui')).rejects.toThrow(/take no base URL/)
    const d = await s.accounts.add({ label: 'D', loginName: 'y', environment: 'test_mode', password: 'p', baseUrl: 'https://secure.comodo.net/' }, 'ui')
    expect(d.baseUrl).toBe('https://secure.comodo.net')
    s.close()
  })

  it('changes the base URL only together with the password, and never to plain http', async () => {
    const port = 8790
    const store = new MemoryCredentialStore()
    const s = service(store)
    try {
      const a = await s.accounts.add({ label: 'Shop', loginName: 'reseller', environment: 'production', password: 'Stored-Password-1' }, 'ui')
      await expect(s.accounts.update(a.id, { baseUrl: `http://127.0.0.1:${port}` }, 'ui')).rejects.toThrow(/must use https/)
      await expect(s.accounts.add({ label: 'Local', loginName: 'x', environment: 'test_mode', password: 'p', baseUrl: `http://localhost:${port}` }, 'ui')).rejects.toThrow(/must use https/)
      const redirected = s.accounts.update(a.id, { baseUrl: `https://127.0.0.1:${port}` }, 'ui')
      await expect(redirected).rejects.toMatchObject({ code: 'invalid_input', detail: { reason: 'password_required' } })
      expect((await s.accounts.get(a.id)).baseUrl).toBeNull()
      await s.accounts.update(a.id, { label: 'Shop Ltd' }, 'ui')
      const moved = await s.accounts.update(a.id, { baseUrl: 'https://api.example.net', password: 'Password-For-New-Host' }, 'ui')
      expect(moved.baseUrl).toBe('https://api.example.net')
      expect(await store.get(passwordItem(a.id))).toBe('Password-For-New-Host')
      expect((await s.accounts.update(a.id, { baseUrl: 'https://api.example.net/' }, 'ui')).baseUrl).toBe('https://api.example.net')
      await expect(s.accounts.update(a.id, { baseUrl: null }, 'ui')).rejects.toMatchObject({ detail: { reason: 'password_required' } })
    } finally {
      s.close()
    }
  })

  it('shows a clear state when there is no keychain, and refuses to store a password anywhere else', async () => {
    const s = service(null)
    await expect(s.accounts.add({ label: 'A', loginName: 'x', environment: 'production', password: 'p' }, 'ui')).rejects.toMatchObject({ code: 'keychain_unavailable' })
    expect(await s.accounts.list()).toEqual([])
    s.close()
  })

  it('shows a clear state when the keychain is locked', async () => {
    const store = new MemoryCredentialStore()
    const s = service(store)
    const a = await s.accounts.add({ label: 'A', loginName: 'x', environment: 'production', password: 'p' }, 'ui')
    const locked = new AccountService({ db: openDatabase(s.file), clock, logger: silentLogger, credentials: new LockedKeychain(), sandbox: null })
    const [view] = await locked.list()
    expect(view).toMatchObject({ id: a.id, hasPassword: false, passwordState: 'keychain_unavailable', passwordProblem: expect.stringMatching(/locked/) as unknown })
    await expect(locked.clientFor(a.id)).rejects.toMatchObject({ code: 'keychain_unavailable' })
    s.close()
  })

  it('stops an account after a login refusal and reopens it when the password is edited', async () => {
    const s = service(new MemoryCredentialStore())
    const a = await s.accounts.add({ label: 'A', loginName: 'x', environment: 'production', password: 'p' }, 'ui')
    s.accounts.markAuthFailed(a.id, 'Incorrect login details')
    expect((await s.accounts.get(a.id)).status).toBe('auth_failed')
    await expect(s.accounts.clientFor(a.id)).rejects.toMatchObject({ code: 'ca_auth' })
    await s.accounts.update(a.id, { label: 'Renamed' }, 'ui')
    expect((await s.accounts.get(a.id)).status).toBe('auth_failed')
    await s.accounts.update(a.id, { password: 'new-password' }, 'ui')
    expect((await s.accounts.get(a.id)).status).toBe('ok')
    s.close()
  })

  it('redacts real passwords from the log, but not the published sandbox demo password (it would blank every sandbox line)', async () => {
    const lines: string[] = []
    const logger = createLogger({ sink: (l) => lines.push(l) })
    const db = openDatabase(join(tempDir(), 'l.db'))
    const accounts = new AccountService({ db, clock, logger, credentials: new MemoryCredentialStore(), sandbox: null })
    await accounts.add({ label: 'S', loginName: 'sandbox', environment: 'sandbox' }, 'ui')
    await accounts.add({ label: 'P', loginName: 'x', environment: 'production', password: 'hunter22-real' }, 'ui')
    await accounts.list()
    logger.info('the sandbox answered', { echo: 'password hunter22-real' })
    expect(lines.at(-1)).toContain('the sandbox answered')
    expect(lines.at(-1)).not.toContain('hunter22-real')
    closeDatabase(db)
  })

  it('removes an account and its keychain entry', async () => {
    const store = new MemoryCredentialStore()
    const s = service(store)
    const a = await s.accounts.add({ label: 'A', loginName: 'x', environment: 'production', password: 'p' }, 'ui')
    await s.accounts.remove(a.id, 'ui')
    expect(await store.get(passwordItem(a.id))).toBeNull()
    expect(await s.accounts.list()).toEqual([])
    await expect(s.accounts.get(a.id)).rejects.toMatchObject({ code: 'not_found' })
    s.close()
  })
})
