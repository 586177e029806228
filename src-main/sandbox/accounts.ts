import { createHash, timingSafeEqual } from 'node:crypto'
import { apiError } from './api-error'
import { DEFAULT_BALANCE, DEFAULT_CURRENCY, DEFAULT_LOGIN, DEFAULT_PASSWORD, MAX_LOGIN_NAME_CHARS, MAX_LOGIN_PASSWORD_CHARS } from './limits'
import { findProduct, type Product } from './products'

/**
 * Sandbox reseller accounts. Billing decides the AutoApplySSL status: `debit` accounts are charged
 * at once and answer 0 (-15 when the balance is short); `invoice` accounts answer 1 ("payment
 * required") and are not charged. Passwords live only in memory: the state file keeps balances.
 */
export type Billing = 'debit' | 'invoice'

export interface SandboxAccountOptions {
  loginName: string
  password: string
  /** In currency units, e.g. 100.5 (default 10000). */
  balance?: number
  currency?: string
  billing?: Billing
  /** Price per order by product code, in currency units. When set, unlisted products answer -115. */
  prices?: Record<string, number>
  /** false: every call answers -16, like an account that is not API-enabled. */
  apiEnabled?: boolean
  /** Push notifications for this account's orders (reference §7). */
  pushUrl?: string
  pushBasicAuth?: { username: string; password: string }
  /** true: POST with the certificate and chain; false (default): GET with the event parameters. */
  pushCertificate?: boolean
}

export interface Account {
  loginName: string
  currency: string
  billing: Billing
  balanceCents: number
  readonly initialBalanceCents: number
  apiEnabled: boolean
  pricesCents: Map<number, number> | null
  pushUrl: string | null
  pushBasicAuth: { username: string; password: string } | null
  pushCertificate: boolean
  readonly passwordDigest: Buffer
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()
const toCents = (units: number): number => Math.round(units * 100)

export const DEFAULT_ACCOUNT: SandboxAccountOptions = {
  loginName: DEFAULT_LOGIN,
  password: DEFAULT_PASSWORD,
  balance: DEFAULT_BALANCE,
  billing: 'debit',
}

export class Accounts {
  private readonly byLogin = new Map<string, Account>()

  constructor(options: readonly SandboxAccountOptions[]) {
    for (const o of options) {
      const balanceCents = toCents(o.balance ?? DEFAULT_BALANCE)
      this.byLogin.set(o.loginName, {
        loginName: o.loginName,
        currency: o.currency ?? DEFAULT_CURRENCY,
        billing: o.billing ?? 'debit',
        balanceCents,
        initialBalanceCents: balanceCents,
        apiEnabled: o.apiEnabled ?? true,
        pricesCents: o.prices
          ? new Map(Object.entries(o.prices).map(([code, units]) => [Number(code), toCents(units)]))
          : null,
        pushUrl: o.pushUrl ?? null,
        pushBasicAuth: o.pushBasicAuth ?? null,
        pushCertificate: o.pushCertificate ?? false,
        passwordDigest: digest(o.password),
      })
    }
  }

  all(): Account[] {
    return [...this.byLogin.values()]
  }

  get(loginName: string): Account | undefined {
    return this.byLogin.get(loginName)
  }

  /** Login names are matched exactly and passwords in constant time; every failure is -16. */
  authenticate(loginName: string | undefined, password: string | undefined): Account {
    if (loginName === undefined || loginName === '') throw apiError.missing('loginName')
    if (password === undefined || password === '') throw apiError.missing('loginPassword')
    if (loginName.length > MAX_LOGIN_NAME_CHARS || password.length > MAX_LOGIN_PASSWORD_CHARS) throw apiError.badLogin()
    const account = this.byLogin.get(loginName)
    const ok = account !== undefined && timingSafeEqual(account.passwordDigest, digest(password))
    if (!ok || !account.apiEnabled) throw apiError.badLogin()
    return account
  }

  /** The account's price for a product, or null (-115) when it has none. */
  priceCents(account: Account, product: Product): number | null {
    if (account.pricesCents) return account.pricesCents.get(product.code) ?? null
    return findProduct(product.code)?.defaultPriceCents ?? null
  }
}

export function formatAmount(cents: number): string {
  return (cents / 100).toFixed(2)
}
