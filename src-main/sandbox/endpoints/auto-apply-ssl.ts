import { UNIQUE_VALUE_PATTERN } from '../../core/pki/dcv'
import { formatAmount } from '../accounts'
import { apiError } from '../api-error'
import { parseCsr } from '../csr'
import { DAYS_PER_YEAR, MAX_DAYS, MAX_EMAIL_CHARS, MAX_FOREIGN_ORDER_NUMBER_CHARS, MIN_DAYS } from '../limits'
import { describeCertificate, currentCertificate, type Order } from '../orders'
import { planDcv, planNames, planOrganization, requireFreshApprovers } from '../order-request'
import { findProduct, type Product } from '../products'
import { intParam, maxChars, optional, required, yesNo, type RequestParams } from '../params'
import { formResponse, newlineResponse, type SandboxResponse } from '../responses'
import { authenticate, CREDENTIALS, styleByFormat, type Endpoint } from './endpoint'

/**
 * !AutoApplySSL and its successor !AutoApplyOrder (reference §3.1). Answers status 0 (account
 * debited) or 1 (invoice billing: payment required), then orderNumber, amount, expectedDeliveryTime,
 * and certificateID / certificate state / uniqueValue when asked for or applicable.
 */
export const ORDER_PARAMS = [
  ...CREDENTIALS,
  'product',
  'days',
  'years',
  'servers',
  'serverSoftware',
  'csr',
  'domainNames',
  'primaryDomainName',
  'maxSubjectCNs',
  'isCustomerValidated',
  'prioritiseCSRValues',
  'dcvMethod',
  'dcvEmailAddress',
  'dcvEmailAddresses',
  'uniqueValue',
  'test',
  'responseFormat',
  'showCertificateID',
  'showCertificateState',
  'foreignOrderNumber',
  'checkFONIsUnique',
  'caCertificateID',
  'emailAddress',
  'organizationName',
  'organizationalUnitName',
  'postOfficeBox',
  'streetAddress1',
  'streetAddress2',
  'streetAddress3',
  'localityName',
  'stateOrProvinceName',
  'postalCode',
  'countryName',
  'companyNumber',
  'dunsNumber',
  'appRepEmailAddress',
  'appRepForename',
  'appRepSurname',
  'appRepTelephone',
  'isAppRepValidated',
  'isCallbackCompleted',
  'joiLocalityName',
  'joiStateOrProvinceName',
  'joiCountryName',
] as const

/** serverSoftware codes -1 (Other) and 1..36 (reference §5.3). */
export const MAX_SERVER_SOFTWARE = 36

export function serverSoftwareParam(params: RequestParams, isRequired: boolean): number | undefined {
  if (isRequired) required(params, 'serverSoftware')
  const n = intParam(params, 'serverSoftware', { min: -1, max: MAX_SERVER_SOFTWARE })
  if (n === 0) throw apiError.invalid('serverSoftware')
  return n
}

export function uniqueValueParam(params: RequestParams): string | undefined {
  const v = optional(params, 'uniqueValue')
  if (v !== undefined && !UNIQUE_VALUE_PATTERN.test(v)) throw apiError.invalid('uniqueValue', 'up to 20 letters and digits')
  return v
}

/** The first code of `product` is the certificate; further comma-separated codes are add-ons (ignored). */
export function productParam(params: RequestParams): Product {
  const codes = required(params, 'product').split(',').map((s) => s.trim())
  if (!codes.every((c) => /^\d{1,9}$/.test(c))) throw apiError.invalid('product', 'comma-separated product codes')
  const product = findProduct(Number(codes[0]))
  if (!product) throw apiError.noPrice()
  return product
}

/** `days` (preferred) or legacy `years`; validity outside 1..398 (or the product's maximum) has no price (-115). */
export function daysParam(params: RequestParams, product: Product): number {
  const days = intParam(params, 'days')
  const years = intParam(params, 'years')
  if (days === undefined && years === undefined) throw apiError.missing('days')
  const d = days ?? (years ?? 0) * DAYS_PER_YEAR
  if (d < MIN_DAYS || d > (product.maxDays ?? MAX_DAYS)) throw apiError.noPrice()
  return d
}

/** The success answer shared by AutoApplySSL and AutoReplaceSSL. */
export function orderAnswer(
  params: RequestParams,
  order: Order,
  opts: { status: number; amount: string; alwaysCertificateID: boolean; now: Date },
): SandboxResponse {
  const cert = currentCertificate(order)
  const showId = opts.alwaysCertificateID || yesNo(params, 'showCertificateID', false)
  const showState = yesNo(params, 'showCertificateState', false)
  const state = describeCertificate(order, cert, opts.now).certificateStatus
  if (styleByFormat(params, { '1': 'form' }, 'newline') === 'form') {
    return formResponse([
      ['errorCode', opts.status],
      ['orderNumber', order.orderNumber],
      ['totalCost', opts.amount],
      ['expectedDeliveryTime', 1],
      ...(showId ? ([['certificateID', cert.certificateID]] as const) : []),
      ...(showState ? ([['certificateStatus', state]] as const) : []),
      ...(cert.uniqueValue !== null ? ([['uniqueValue', cert.uniqueValue]] as const) : []),
    ])
  }
  return newlineResponse([
    opts.status,
    order.orderNumber,
    opts.amount,
    1,
    ...(showId ? [cert.certificateID] : []),
    ...(showState ? [state] : []),
    ...(cert.uniqueValue !== null ? [cert.uniqueValue] : []),
  ])
}

function autoApply(name: string, path: string, extraParams: readonly string[], customerValidatedRequired: boolean): Endpoint {
  return {
    name,
    paths: [path],
    params: [...ORDER_PARAMS, ...extraParams],
    style: (params) => styleByFormat(params, { '0': 'newline', '1': 'form' }, 'newline'),
    async handle(ctx) {
      const { params, service } = ctx
      const account = authenticate(ctx)
      const product = productParam(params)
      const days = daysParam(params, product)
      const serverSoftware = serverSoftwareParam(params, true) ?? -1
      const csrText = required(params, 'csr')
      if (customerValidatedRequired) required(params, 'isCustomerValidated')
      for (const f of ['isCustomerValidated', 'prioritiseCSRValues', 'showCertificateID', 'showCertificateState', 'isAppRepValidated', 'isCallbackCompleted']) {
        yesNo(params, f, false)
      }
      intParam(params, 'responseFormat', { min: 0, max: 1 })
      const test = yesNo(params, 'test', false)
      const checkFon = yesNo(params, 'checkFONIsUnique', false)
      const foreignOrderNumber = optional(params, 'foreignOrderNumber') ?? null
      maxChars('foreignOrderNumber', foreignOrderNumber ?? undefined, MAX_FOREIGN_ORDER_NUMBER_CHARS)
      const uniqueValue = uniqueValueParam(params)
      // caCertificateID names an issuing CA of the account (reference §3.1, C-SSLCOM): digits only. The
      // sandbox has one CA, so it records the choice (and the customer email, add-ons) without acting on it.
      const caCertificateId = optional(params, 'caCertificateID')
      if (caCertificateId !== undefined && !/^\d{1,16}$/.test(caCertificateId)) throw apiError.invalid('caCertificateID', 'digits only')
      const emailAddress = optional(params, 'emailAddress')
      maxChars('emailAddress', emailAddress, MAX_EMAIL_CHARS)
      const addOns = required(params, 'product').split(',').slice(1).map((c) => c.trim())
      const notes = [
        ...(caCertificateId !== undefined ? [`caCertificateID ${caCertificateId}`] : []),
        ...(emailAddress !== undefined ? [`emailAddress ${emailAddress}`] : []),
        ...(addOns.length > 0 ? [`add-ons ${addOns.join(' ')}`] : []),
      ]
      const costCents = service.accounts.priceCents(account, product)
      if (costCents === null) throw apiError.noPrice()
      const csr = await parseCsr(csrText)
      const names = planNames(product, csr, params)
      const dcv = planDcv(product, names, params)
      requireFreshApprovers(service, account, dcv, params)
      const organization = planOrganization(product, csr, params)
      if (checkFon && foreignOrderNumber !== null) {
        const dup = [...service.orders.values()].some((o) => o.loginName === account.loginName && o.foreignOrderNumber === foreignOrderNumber)
        if (dup) throw apiError.invalid('foreignOrderNumber', 'already used by another order')
      }
      const order = await service.placeOrder({
        account,
        product,
        days,
        serverSoftware,
        csr,
        names,
        dcv,
        uniqueValue: uniqueValue ?? service.newUniqueValue(),
        foreignOrderNumber,
        test,
        organization,
        costCents,
        notes,
      })
      return orderAnswer(params, order, { status: order.paymentStatus, amount: formatAmount(order.costCents), alwaysCertificateID: false, now: service.clock.now() })
    },
  }
}

export const autoApplySsl: Endpoint = autoApply('AutoApplySSL', '!AutoApplySSL', [], false)
/** AutoApplyOrder accepts everything AutoApplySSL does and requires isCustomerValidated. */
export const autoApplyOrder: Endpoint = autoApply('AutoApplyOrder', '!AutoApplyOrder', [], true)
