import { CoreError } from '../../errors'
import { digits } from './request-checks'

export type OrderNumberRef = { orderNumber: string }
export type CertificateIdRef = { certificateId: string }
export type BaseOrderNumberRef = { baseOrderNumber: string }
export type SerialNumberRef = { serialNumber: string }

/** certificateID: at most 16 digits (reference §3.2). */
const CERTIFICATE_ID_DIGITS = 16
/** serialNumber for AutoRevokeSSL: hex, at most 34 characters (reference §3.8). */
const SERIAL_NUMBER = /^[0-9A-Fa-f]{1,34}$/

/** Exactly one way of naming the order, as the parameter Sectigo expects. */
export function orderRefParam(ref: OrderNumberRef | CertificateIdRef | BaseOrderNumberRef | SerialNumberRef): [string, string] {
  const keys = Object.keys(ref).filter((k) => (ref as Record<string, unknown>)[k] !== undefined)
  if (keys.length !== 1) throw new CoreError('invalid_input', 'Name the order in exactly one way (order number, certificate id, ...).')
  if ('orderNumber' in ref) return ['orderNumber', digits(ref.orderNumber, 'order number')]
  if ('certificateId' in ref) return ['certificateID', digits(ref.certificateId, 'certificate id', CERTIFICATE_ID_DIGITS)]
  if ('baseOrderNumber' in ref) return ['baseOrderNumber', digits(ref.baseOrderNumber, 'base order number')]
  if (!SERIAL_NUMBER.test(ref.serialNumber)) throw new CoreError('invalid_input', 'The serial number must be 1 to 34 hex digits.')
  return ['serialNumber', ref.serialNumber]
}
