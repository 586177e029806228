import { CoreError } from '../errors'
import type { DcvEmailAddressList } from '../sectigo/endpoints/get-dcv-email-address-list'
import { getApproverList, saveApproverList } from '../store/approver-lists-repo'
import { formatUtcMinute } from '../util/clock'
import type { OrderContext } from './order-context'

/**
 * Sectigo accepts a `dcvEmailAddress` only within 24 hours after GetDCVEmailAddressList was called for
 * that name (reference §3.5 and §9 item 11; docs.sectigo.com/sps/get-dcv-email-address-list/request).
 */
export const APPROVER_LIST_VALID_MS = 24 * 60 * 60_000
/**
 * CertDesk asks again once its list is older than this: an hour short of Sectigo's 24, so the call
 * that uses the address, a slow network and a few minutes of clock skew still land inside the window.
 */
export const APPROVER_LIST_REUSE_MS = APPROVER_LIST_VALID_MS - 60 * 60_000

const key = (domain: string): string => domain.trim().toLowerCase().replace(/\.$/, '')

/** Stores what GetDCVEmailAddressList just answered, with the time it answered. */
export function recordApproverList(ctx: Pick<OrderContext, 'db' | 'clock'>, accountId: string, domain: string, list: DcvEmailAddressList): void {
  saveApproverList(ctx.db, { accountId, domain: key(domain), fetchedAt: ctx.clock.now().toISOString(), addresses: list.all.map((a) => a.toLowerCase()) })
}

/** GetDCVEmailAddressList now, remembered for the 24-hour rule. */
export async function fetchApproverList(ctx: OrderContext, accountId: string, domain: string): Promise<DcvEmailAddressList> {
  const list = await ctx.accounts.call(accountId, (c) => c.getDcvEmailAddressList({ domainName: key(domain) }))
  recordApproverList(ctx, accountId, domain, list)
  return list
}

/**
 * Before an email-validated AutoApplySSL, AutoReplaceSSL, AutoUpdateDCV or ResendDCVEmail: use the
 * approver list fetched less than APPROVER_LIST_REUSE_MS ago, or fetch it again, and check that
 * `email` is on it. A refusal says which addresses Sectigo offers. Read-only: safe before any intent.
 */
export async function requireApprover(ctx: OrderContext, accountId: string, domain: string, email: string): Promise<void> {
  const name = key(domain)
  const now = ctx.clock.now().getTime()
  let stored = getApproverList(ctx.db, accountId, name)
  if (!stored || now - Date.parse(stored.fetchedAt) >= APPROVER_LIST_REUSE_MS) {
    await fetchApproverList(ctx, accountId, name)
    stored = getApproverList(ctx.db, accountId, name)
  }
  const addresses = stored?.addresses ?? []
  if (!addresses.includes(email.trim().toLowerCase())) {
    const offered = addresses.length > 0 ? `It offers ${addresses.join(', ')}.` : 'It offers no address for this name; use CNAME or file validation.'
    throw new CoreError(
      'invalid_input',
      `${email} is not on Sectigo's approver list for ${name} (asked at ${formatUtcMinute(new Date(stored?.fetchedAt ?? now))}); Sectigo refuses any other address. ${offered}`,
    )
  }
}
