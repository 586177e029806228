import { UNIQUE_VALUE_PATTERN } from '../../pki/dcv'
import type { CallContext } from '../call-context'
import { badResponse } from '../error-codes'
import { bodyText, type ApiBody } from '../responses/body'
import { AMOUNT_PATTERN, CERTIFICATE_ID_PATTERN, checkText, FieldReader, ORDER_NUMBER_PATTERN } from '../responses/fields'
import { parseNewlineBody } from '../responses/newline'
import { readUrlSuccess, readStatus, throwIfError } from '../responses/status'

/** What AutoApplySSL and AutoReplaceSSL answer on success. */
export interface PlacedOrder {
  orderNumber?: string
  /** Status 1: the order is placed but not debited; payment is still required. Status 0: paid. */
  paymentRequired: boolean
  /** Debited (status 0) or required (status 1) amount, account currency, as Sectigo printed it. */
  totalCost?: string
  certificateId?: string
  uniqueValue?: string
}

/** AutoApplySSL always names the new order. */
export type AppliedOrder = PlacedOrder & { orderNumber: string }

export function parseAppliedOrderUrl(body: ApiBody, ctx: CallContext): AppliedOrder {
  const placed = parsePlacedOrderUrl(body, ctx, true)
  const { orderNumber } = placed
  if (orderNumber === undefined) throw badResponse(ctx, 'the order number is missing')
  return { ...placed, orderNumber }
}

export function parsePlacedOrderUrl(body: ApiBody, ctx: CallContext, requireOrderNumber: boolean): PlacedOrder {
  const { status, fields } = readUrlSuccess(bodyText(body, ctx), ctx)
  if (status !== 0 && status !== 1) throw badResponse(ctx, `the status ${status} is not a success code for this call`)
  const r = new FieldReader(fields, ctx)
  const orderNumber = requireOrderNumber
    ? r.requiredMatching('orderNumber', ORDER_NUMBER_PATTERN, 'an order number')
    : r.matching('orderNumber', ORDER_NUMBER_PATTERN, 'an order number')
  const out: PlacedOrder = { paymentRequired: status === 1 }
  if (orderNumber !== undefined) out.orderNumber = orderNumber
  const totalCost = r.matching('totalCost', AMOUNT_PATTERN, 'an amount')
  if (totalCost !== undefined) out.totalCost = totalCost
  const certificateId = r.matching('certificateID', CERTIFICATE_ID_PATTERN, 'a certificate id')
  if (certificateId !== undefined) out.certificateId = certificateId
  const uniqueValue = r.matching('uniqueValue', UNIQUE_VALUE_PATTERN, 'a unique value')
  if (uniqueValue !== undefined) out.uniqueValue = uniqueValue
  return out
}

export interface NewlineFlags {
  showCertificateID: boolean
  showCertificateState: boolean
}

/**
 * The newline form (responseFormat=0), positional: orderNumber, amount, expectedDeliveryTime, then
 * certificateID and certificate state if requested, then uniqueValue when there is one
 * (reference §3.1). The client asks for URL-encoded; this exists for completeness and the samples.
 */
export function parsePlacedOrderNewline(body: ApiBody, flags: NewlineFlags, ctx: CallContext): PlacedOrder & { certificateState?: string } {
  const text = bodyText(body, ctx)
  const status = throwIfError(readStatus(text, 'newline', ctx), ctx)
  const parsed = parseNewlineBody(text)
  if (status.family !== 'newline' || !parsed) throw badResponse(ctx, 'a success came back in the wrong format')
  if (parsed.status !== 0 && parsed.status !== 1) throw badResponse(ctx, `the status ${parsed.status} is not a success code for this call`)
  const lines = parsed.lines.map((l) => l.trim())
  const expected = 3 + (flags.showCertificateID ? 1 : 0) + (flags.showCertificateState ? 1 : 0)
  if (lines.length < expected || lines.length > expected + 1) throw badResponse(ctx, `expected ${expected} or ${expected + 1} lines after the status, got ${lines.length}`)
  const [orderNumber = '', totalCost = ''] = lines
  const out: PlacedOrder & { certificateState?: string } = {
    paymentRequired: parsed.status === 1,
    orderNumber: checkText(orderNumber, ORDER_NUMBER_PATTERN, 'The order number', ctx),
    totalCost: checkText(totalCost, AMOUNT_PATTERN, 'The amount', ctx),
  }
  let i = 3
  if (flags.showCertificateID) out.certificateId = checkText(lines[i++] ?? '', CERTIFICATE_ID_PATTERN, 'The certificate id', ctx)
  if (flags.showCertificateState) out.certificateState = lines[i++] ?? ''
  const unique = lines[i]
  if (unique !== undefined) out.uniqueValue = checkText(unique, UNIQUE_VALUE_PATTERN, 'The unique value', ctx)
  return out
}
