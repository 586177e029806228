import type { Handlers } from '../dispatch'

type EndpointMethods =
  | 'certs.revocation'
  | 'endpoints.list'
  | 'endpoints.get'
  | 'endpoints.add'
  | 'endpoints.addFromCertificate'
  | 'endpoints.addBulk'
  | 'endpoints.update'
  | 'endpoints.remove'
  | 'endpoints.check'
  | 'endpoints.problems'
  | 'endpoints.deployment'

export const endpointHandlers: Pick<Handlers, EndpointMethods> = {
  'certs.revocation': (input, ctx) => ctx.core.endpoints.revocationOf(input.id, input.fresh ?? false),
  'endpoints.list': (input, ctx) => ctx.core.endpoints.list(input.certificateId ? { certificateId: input.certificateId } : {}),
  'endpoints.get': (input, ctx) => ctx.core.endpoints.get(input.id),
  'endpoints.add': (input, ctx) => ctx.core.endpoints.add(input, ctx.actor),
  'endpoints.addFromCertificate': (input, ctx) => {
    const { certificateId, ...opts } = input
    return ctx.core.endpoints.addFromCertificate(certificateId, opts, ctx.actor)
  },
  'endpoints.addBulk': (input, ctx) => {
    const { text, ...opts } = input
    return ctx.core.endpoints.addBulk(text, opts, ctx.actor)
  },
  'endpoints.update': (input, ctx) => {
    const { id, ...patch } = input
    return ctx.core.endpoints.update(id, patch, ctx.actor)
  },
  'endpoints.remove': (input, ctx) => ctx.core.endpoints.remove(input.id, ctx.actor),
  'endpoints.check': (input, ctx) => ctx.core.endpoints.check(input.ids ?? null, input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}, ctx.actor),
  'endpoints.problems': (_input, ctx) => ctx.core.endpoints.problems(),
  'endpoints.deployment': (input, ctx) => ctx.core.endpoints.deployment(input.certificateId),
}
