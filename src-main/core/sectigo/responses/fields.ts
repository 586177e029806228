import type { CallContext } from '../call-context'
import { badResponse } from '../error-codes'
import type { FormFields } from '../form'

/** Sectigo order numbers are integers (7 to 10 digits seen); 20 digits is a generous ceiling. */
export const ORDER_NUMBER_PATTERN = /^\d{1,20}$/
/** certificateID: an integer of at most 16 digits (reference §3.2). */
export const CERTIFICATE_ID_PATTERN = /^\d{1,16}$/
/** Money as Sectigo prints it: digits with an optional decimal part, no currency symbol. */
export const AMOUNT_PATTERN = /^\d{1,12}(\.\d{1,4})?$/
/** Unix seconds. */
export const UNIX_TIME_PATTERN = /^\d{1,12}$/
/** A canonical integer: no sign on zero, no leading zeros, at most 9 digits. */
export const INTEGER_PATTERN = /^(0|-?[1-9]\d{0,8})$/
/** A single text value in an answer is at most this long (a message or a name, not a document). */
export const MAX_TEXT_FIELD_CHARS = 4096

/** Typed access to URL-encoded fields: every check failure is a bad-response error naming the field. */
export class FieldReader {
  /** `where` prefixes messages, e.g. "order row 3: ", for fields read without their row prefix. */
  constructor(
    private readonly fields: FormFields,
    private readonly ctx: CallContext,
    private readonly where = '',
  ) {}

  has(key: string): boolean {
    return this.fields.has(key)
  }

  /**
   * The single value of `key`; repeated keys are ambiguous and refused. Blank counts as absent. Longer
   * than `maxChars` (a message or a name by default; certificate fields pass their own cap) is refused.
   */
  text(key: string, maxChars = MAX_TEXT_FIELD_CHARS): string | undefined {
    const all = this.fields.all(key)
    if (all.length > 1) throw badResponse(this.ctx, `${this.where}the field "${key}" appears more than once`)
    const v = all[0]?.trim()
    if (v === undefined || v === '') return undefined
    if (v.length > maxChars) throw badResponse(this.ctx, `${this.where}the field "${key}" is too long`)
    return v
  }

  /** Every value of a repeatable key, untrimmed; more than `maxCount`, or one longer than `maxChars`, is refused. */
  list(key: string, maxCount: number, maxChars: number): readonly string[] {
    const all = this.fields.all(key)
    if (all.length > maxCount) throw badResponse(this.ctx, `${this.where}the field "${key}" appears more than ${maxCount} times`)
    if (all.some((v) => v.length > maxChars)) throw badResponse(this.ctx, `${this.where}a "${key}" value is too long`)
    return all
  }

  requiredText(key: string): string {
    const v = this.text(key)
    if (v === undefined) throw badResponse(this.ctx, `${this.where}the field "${key}" is missing`)
    return v
  }

  matching(key: string, pattern: RegExp, what: string): string | undefined {
    const v = this.text(key)
    if (v !== undefined && !pattern.test(v)) throw badResponse(this.ctx, `${this.where}the field "${key}" is not ${what}`)
    return v
  }

  requiredMatching(key: string, pattern: RegExp, what: string): string {
    const v = this.matching(key, pattern, what)
    if (v === undefined) throw badResponse(this.ctx, `${this.where}the field "${key}" is missing`)
    return v
  }

  integer(key: string): number | undefined {
    const v = this.matching(key, INTEGER_PATTERN, 'an integer')
    return v === undefined ? undefined : Number(v)
  }

  unixTime(key: string): Date | undefined {
    const v = this.matching(key, UNIX_TIME_PATTERN, 'a Unix time')
    return v === undefined ? undefined : new Date(Number(v) * 1000)
  }

  keys(): readonly string[] {
    return this.fields.keys
  }

  entries(): ReadonlyArray<readonly [string, string]> {
    return this.fields.entries()
  }

  /** Every value of a repeatable key, untrimmed. */
  all(key: string): readonly string[] {
    return this.fields.all(key)
  }
}

export function checkText(value: string, pattern: RegExp, what: string, ctx: CallContext): string {
  if (!pattern.test(value)) throw badResponse(ctx, `${what} has an unexpected value`)
  return value
}
