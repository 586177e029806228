import type { CallContext } from '../call-context'
import type { SectigoError } from '../errors'
import type { FormPairs } from '../form'
import type { ApiBody } from '../responses/body'

/** What a request builder knows about the account. */
export interface RequestContext {
  /** Sectigo test mode (`test=Y`) is on for this account. */
  testMode: boolean
}

/**
 * One Sectigo endpoint: where it lives, how its request is built (only the parameters it accepts)
 * and how its answer is parsed (strictly, in the format that was asked for).
 */
export interface EndpointSpec<I, R> {
  name: string
  /** Path under the base URL, with the literal `!` Sectigo uses. */
  path: string
  /** Sentence start for messages: "Placing the order". */
  action: string
  /** DecodeCSR is the one endpoint that takes no credentials. */
  sendsCredentials: boolean
  /** Spends money or changes an order: an ambiguous failure must not be retried blindly. */
  purchasing: boolean
  buildParams(input: I, ctx: RequestContext): FormPairs
  parse(body: ApiBody, ctx: CallContext): R
  /** Sectigo's refusal told in this endpoint's terms, where the code's general text would not say why. */
  explain?(error: SectigoError, input: I): SectigoError
}
