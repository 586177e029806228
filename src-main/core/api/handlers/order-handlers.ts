import type { OrderDraftInput } from '../../orders/place'
import type { OvCallbackRequest } from '../../orders/order-actions'
import type { DomainChoice } from '../../orders/preflight'
import type { StoredOrganization } from '../../store/orders-repo'
import { validityOutlook } from '../../orders/validity-schedule'
import type { ParsedInput } from '../contract'
import type { Handlers } from '../dispatch'
import { defined } from './defined'

type OrderMethods =
  | 'orders.products'
  | 'orders.approverEmails'
  | 'orders.validity'
  | 'orders.preflight'
  | 'orders.place'
  | 'orders.submit'
  | 'orders.list'
  | 'orders.get'
  | 'orders.downloadCsv'
  | 'orders.collect'
  | 'orders.sync'
  | 'orders.reissue'
  | 'orders.renew'
  | 'orders.revoke'
  | 'orders.cancel'
  | 'orders.removeDomain'
  | 'orders.ovCallback'
  | 'orders.evClickThrough'
  | 'dcv.show'
  | 'dcv.file'
  | 'dcv.check'
  | 'dcv.setMethod'
  | 'dcv.resend'
  | 'push.start'
  | 'push.status'
  | 'push.stop'
  | 'sandbox.simulate'

/** zod's optional fields arrive as `undefined`; the services take absent keys (exactOptionalPropertyTypes). */
function draftInput(input: ParsedInput<'orders.preflight'>): OrderDraftInput {
  const csr = input.csr
  return {
    accountId: input.accountId,
    productCode: input.productCode,
    days: input.days,
    csr: 'generate' in csr ? { generate: { ...defined(csr.generate), subject: defined(csr.generate.subject) } } : csr,
    ...(input.domains ? { domains: input.domains.map((d): DomainChoice => defined(d)) } : {}),
    ...(input.dcvMethod ? { dcvMethod: input.dcvMethod } : {}),
    ...(input.dcvEmail ? { dcvEmail: input.dcvEmail } : {}),
    ...(input.organization ? { organization: defined<StoredOrganization>(input.organization) } : {}),
    ...(input.serverSoftware !== undefined ? { serverSoftware: input.serverSoftware } : {}),
    ...(input.options ? { options: defined(input.options) } : {}),
    ...(input.remoteCheck !== undefined ? { remoteCheck: input.remoteCheck } : {}),
  }
}

function ovRequest(r: ParsedInput<'orders.ovCallback'>['request']): OvCallbackRequest {
  switch (r.action) {
    case 'schedule':
    case 'manual':
      return { action: r.action, preferredTime: new Date(r.preferredTime) }
    case 'replace_phone':
      return { action: 'replace_phone', phoneNumber: r.phoneNumber, ...(r.extensionNumber ? { extensionNumber: r.extensionNumber } : {}) }
    case 'replace_email':
      return { action: 'replace_email', emailAddress: r.emailAddress }
    case 'send_email':
      return { action: 'send_email' }
  }
}

export const orderHandlers: Pick<Handlers, OrderMethods> = {
  'orders.products': (_input, ctx) => ctx.core.orders.products(),
  'orders.approverEmails': (input, ctx) => ctx.core.orders.approverEmails(input.accountId, input.domain),
  'orders.validity': (_input, ctx) => validityOutlook(ctx.core.clock.now()),
  'orders.preflight': (input, ctx) => ctx.core.orders.preflight(draftInput(input)),
  'orders.place': (input, ctx) => {
    const { submit, ...rest } = input
    return ctx.core.orders.place({ ...draftInput(rest), ...(submit !== undefined ? { submit } : {}) }, ctx.actor)
  },
  'orders.submit': (input, ctx) => ctx.core.orders.submit(input.id, { actor: ctx.actor, ...(input.resendConfirmed ? { resendConfirmed: true } : {}) }),
  'orders.list': (input, ctx) => ctx.core.orders.page(defined(input)),
  'orders.get': (input, ctx) => ctx.core.orders.get(input.id),
  'orders.downloadCsv': (input, ctx) => {
    const file = ctx.core.orders.csv(input.ids)
    return { fileName: file.fileName, mediaType: file.mediaType, base64: file.bytes.toString('base64'), exported: file.exported, failed: file.failed }
  },
  'orders.collect': (input, ctx) => ctx.core.orders.collect(input.id, ctx.actor),
  'orders.sync': (input, ctx) => ctx.core.orders.sync(input.accountId, ctx.actor),
  'orders.reissue': (input, ctx) =>
    ctx.core.orders.reissue(
      input.id,
      {
        ...(input.key ? { key: input.key } : {}),
        ...(input.domains ? { domains: input.domains.map((d): DomainChoice => defined(d)) } : {}),
        ...(input.dcvMethod ? { dcvMethod: input.dcvMethod } : {}),
        ...(input.submit !== undefined ? { submit: input.submit } : {}),
      },
      ctx.actor,
    ),
  'orders.renew': (input, ctx) => {
    const { id, submit, ...rest } = input
    return ctx.core.orders.renew(id, { ...defined(rest), ...(submit !== undefined ? { submit } : {}) }, ctx.actor)
  },
  'orders.revoke': async (input, ctx) => {
    const outcome = await ctx.core.orders.revoke(input.id, { reason: input.reason, confirmed: input.confirmed, ...(input.reasonCode ? { reasonCode: input.reasonCode } : {}) }, ctx.actor)
    return { outcome, order: ctx.core.orders.get(input.id) }
  },
  'orders.cancel': (input, ctx) => ctx.core.orders.cancel(input.id, ctx.actor),
  'orders.removeDomain': async (input, ctx) => ({ outcome: await ctx.core.orders.removeDomain(input.id, input.domain, ctx.actor), order: ctx.core.orders.get(input.id) }),
  'orders.ovCallback': async (input, ctx) => ({ outcome: await ctx.core.orders.ovCallback(input.id, ovRequest(input.request), ctx.actor), order: ctx.core.orders.get(input.id) }),
  'orders.evClickThrough': async (input, ctx) => ({
    outcome: await ctx.core.orders.evClickThrough(input.id, input.email ? { email: input.email } : {}, ctx.actor),
    order: ctx.core.orders.get(input.id),
  }),
  'dcv.show': (input, ctx) => ctx.core.orders.dcv(input.orderId),
  'dcv.file': (input, ctx) => ctx.core.orders.dcvFile(input.orderId, input.domain),
  'dcv.check': (input, ctx) => ctx.core.orders.checkDcv(input.orderId),
  'dcv.setMethod': async (input, ctx) => ({
    outcome: await ctx.core.orders.setDcvMethod(input.orderId, defined({ domain: input.domain, method: input.method, email: input.email }), ctx.actor),
    order: ctx.core.orders.get(input.orderId),
  }),
  'dcv.resend': async (input, ctx) => ({
    outcome: await ctx.core.orders.resendDcvEmail(input.orderId, input.email ? { email: input.email } : {}, ctx.actor),
    order: ctx.core.orders.get(input.orderId),
  }),
  'push.start': (input, ctx) => ctx.core.push.start(defined(input)),
  'push.status': (_input, ctx) => ctx.core.push.check(),
  'push.stop': (_input, ctx) => ctx.core.push.stop(),
  'sandbox.simulate': (input, ctx) => ctx.core.orders.simulateSandbox(input.orderId, defined({ action: input.action, domain: input.domain }), ctx.actor),
}
