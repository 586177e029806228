import type { CallContext } from '../call-context'
import { badResponse } from '../error-codes'
import { bodyText, type ApiBody } from '../responses/body'
import { FieldReader } from '../responses/fields'
import { readUrlSuccess } from '../responses/status'

/** A URL-encoded answer whose only success is `errorCode=0`; returns its fields for extras. */
export function readAcknowledgement(body: ApiBody, ctx: CallContext): FieldReader {
  const { status, fields } = readUrlSuccess(bodyText(body, ctx), ctx)
  if (status !== 0) throw badResponse(ctx, `the status ${status} is not a success code for this call`)
  return new FieldReader(fields, ctx)
}

/** Endpoints that answer only `errorCode=0` on success. */
export interface Acknowledged {
  ok: true
}

export function parseAcknowledged(body: ApiBody, ctx: CallContext): Acknowledged {
  readAcknowledgement(body, ctx)
  return { ok: true }
}
