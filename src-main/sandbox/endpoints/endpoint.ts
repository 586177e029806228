import { type Account } from '../accounts'
import { apiError } from '../api-error'
import { optional, type RequestParams } from '../params'
import { type ResponseStyle, type SandboxResponse } from '../responses'
import { type SandboxService } from '../service'
import { type Order, type CertificateRecord } from '../orders'

/** What an endpoint handler gets: the merged parameters and the sandbox's business layer. */
export interface EndpointContext {
  params: RequestParams
  service: SandboxService
  /** WebHostReport: leave out orders placed less than this long ago (the reportLagMs fault; 0 = none). */
  reportLagMs?: number
}

export interface Endpoint {
  /** Sectigo's name, also the key for fault knobs and statistics. */
  name: string
  /** Paths under /products/ that reach it (`%21` is decoded to `!` before matching). */
  paths: readonly string[]
  /** DecodeCSR alone may be called with GET and over plain HTTP (reference §1). */
  allowGet?: boolean
  allowPlainHttp?: boolean
  /** Every parameter name it accepts; anything else is -2. */
  params: readonly string[]
  /** The format errors are written in for this request; must not throw. */
  style(params: RequestParams): ResponseStyle
  handle(ctx: EndpointContext): Promise<SandboxResponse>
}

export const CREDENTIALS = ['loginName', 'loginPassword'] as const

export function authenticate(ctx: EndpointContext): Account {
  return ctx.service.accounts.authenticate(ctx.params.get('loginName'), ctx.params.get('loginPassword'))
}

/** Reads `responseFormat` leniently for choosing the error style (an invalid value gets the default). */
export function styleByFormat(params: RequestParams, styles: Readonly<Record<string, ResponseStyle>>, fallback: ResponseStyle): ResponseStyle {
  const v = params.get('responseFormat')?.trim()
  return (v !== undefined ? styles[v] : undefined) ?? fallback
}

/**
 * The order a request names by orderNumber, baseOrderNumber (replacements keep their order number,
 * so both name the same order) or certificateID; -3 naming `orderNumber` when none is given.
 */
export function orderRef(
  ctx: EndpointContext,
  account: Account,
  opts: { certificateID?: boolean; serialNumber?: boolean } = {},
): { order: Order; cert: CertificateRecord | null } {
  const orderNumber = optional(ctx.params, 'orderNumber') ?? optional(ctx.params, 'baseOrderNumber')
  if (orderNumber !== undefined) return ctx.service.findOrder(account, { orderNumber })
  const certificateID = opts.certificateID ? optional(ctx.params, 'certificateID') : undefined
  if (certificateID !== undefined) return ctx.service.findOrder(account, { certificateID })
  const serialNumber = opts.serialNumber ? optional(ctx.params, 'serialNumber') : undefined
  if (serialNumber !== undefined) return ctx.service.findOrder(account, { serialNumber })
  throw apiError.missing('orderNumber')
}
