import { apiError } from '../api-error'
import { REPORT_DEFAULT_WINDOW, REPORT_MAX_WINDOW } from '../limits'
import { describeCertificate, dcvCode, orderStatusText, stepCode, validationStatusText, type CertificateRecord, type Order } from '../orders'
import { formatAmount } from '../accounts'
import { intParam, listParam, optional, yesNo, type RequestParams } from '../params'
import { formResponse, type FormPairs } from '../responses'
import { authenticate, CREDENTIALS, type Endpoint } from './endpoint'

/**
 * !WebHostReport (reference §3.4): the account's orders, oldest first (by placement time, ties in
 * placement order), filtered and paged.
 *
 * Filters: notBefore/notAfter (Unix seconds) on the order's placement time; expireNotBefore/
 * expireNotAfter on the certificate's notAfter; orderNumber, foreignOrderNumber, certificateID
 * (comma lists, the parameter may repeat); organizationName and fqdn with SQL-style `%` and `_`
 * wildcards (case-insensitive; fqdn matches any name of the order); certificateStatusCode (ints) and
 * certificateStatus (words: pending, issued, replaced, revoked, rejected) on the current certificate.
 * Paging: firstResultNo (1-based, default 1) to lastResultNo (default first + 49); at most 1000
 * rows per call (a wider window is -4). `noOfResults` counts the rows in this answer, numbered
 * 1..noOfResults; a client has seen everything when it gets fewer rows than it asked for.
 *
 * Row keys `N_`: orderNumber, foreignOrderNumber (sandbox addition), orderStatus, dateTime,
 * organizationName, organizationalUnitName, localityName, stateOrProvinceName, postalCode,
 * countryName, validationStatus, cost (showCost). Certificate keys `N_M_` (M = 1 for the current
 * certificate; older ones follow with showOldItems=Y): type, domain, mdcDomainNames
 * (showAdditionalDomains), status, lastStatusChange, notBefore, notAfter, serialNumber,
 * signatureAlgorithm (showSignatureAlgorithm), keySize, webServerSoftware, certificateID
 * (showCertificateID), certificateStatusCode, certificateStatusDesc, and with showStatusDetails
 * csrStatus, dcvStatus, ovCallBackStatus, organizationValidationStatus, freeDVUPStatus,
 * evClickThroughStatus.
 */
const YN_FLAGS = ['showStatusDetails', 'showAdditionalDomains', 'showSignatureAlgorithm', 'showOldItems', 'showCertificateID', 'showExtStatus', 'showCost', 'showAssociatedOrders'] as const

function likeToRegExp(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')
  return new RegExp(`^${body}$`, 'i')
}

const unix = (iso: string | null): number | '' => (iso === null ? '' : Math.floor(Date.parse(iso) / 1000))

function timeParam(params: RequestParams, name: string): number | undefined {
  return intParam(params, name, { min: 0 })
}

function certificateRows(order: Order, prefix: string, certs: CertificateRecord[], flags: Record<(typeof YN_FLAGS)[number], boolean>): FormPairs {
  const rows: Array<readonly [string, string | number]> = []
  certs.forEach((c, j) => {
    const p = `${prefix}_${j + 1}_`
    const view = describeCertificate(order, c)
    rows.push(
      [`${p}type`, 'SSL'],
      [`${p}domain`, c.commonName ?? ''],
      ...(flags.showAdditionalDomains ? ([[`${p}mdcDomainNames`, [...c.dnsNames, ...c.ipAddresses].join(',')]] as const) : []),
      [`${p}status`, view.status],
      [`${p}lastStatusChange`, unix(c.statusChangedAt)],
      [`${p}notBefore`, unix(c.notBefore)],
      [`${p}notAfter`, unix(c.notAfter)],
      [`${p}serialNumber`, c.serialNumber?.toUpperCase() ?? ''],
      ...(flags.showSignatureAlgorithm ? ([[`${p}signatureAlgorithm`, c.signatureAlgorithm]] as const) : []),
      [`${p}keySize`, c.keyBits],
      [`${p}webServerSoftware`, order.serverSoftware],
      ...(flags.showCertificateID ? ([[`${p}certificateID`, c.certificateID]] as const) : []),
      [`${p}certificateStatusCode`, view.statusCode],
      [`${p}certificateStatusDesc`, view.statusDesc],
      ...(flags.showStatusDetails
        ? ([
            [`${p}csrStatus`, 1],
            [`${p}dcvStatus`, dcvCode(order)],
            [`${p}ovCallBackStatus`, stepCode(order.steps['ov-callback'])],
            [`${p}organizationValidationStatus`, stepCode(order.steps['organization-validation'])],
            [`${p}freeDVUPStatus`, -1],
            [`${p}evClickThroughStatus`, stepCode(order.steps['ev-click-through'])],
          ] as const)
        : []),
    )
  })
  return rows
}

export const webHostReport: Endpoint = {
  name: 'WebHostReport',
  paths: ['!WebHostReport'],
  params: [
    ...CREDENTIALS,
    'notBefore',
    'notAfter',
    'firstResultNo',
    'lastResultNo',
    'organizationName',
    'fqdn',
    'orderNumber',
    'foreignOrderNumber',
    'certificateID',
    'certificateStatusCode',
    'certificateStatus',
    'expireNotBefore',
    'expireNotAfter',
    'saspSessionID',
    ...YN_FLAGS,
  ],
  style: () => 'form',
  handle(ctx) {
    const { params, service } = ctx
    const account = authenticate(ctx)
    const flags = Object.fromEntries(YN_FLAGS.map((f) => [f, yesNo(params, f, false)])) as Record<(typeof YN_FLAGS)[number], boolean>
    const first = intParam(params, 'firstResultNo', { min: 1 }) ?? 1
    const last = intParam(params, 'lastResultNo', { min: 1 }) ?? first + REPORT_DEFAULT_WINDOW - 1
    if (last < first) throw apiError.invalid('lastResultNo', 'smaller than firstResultNo')
    if (last - first + 1 > REPORT_MAX_WINDOW) throw apiError.invalid('lastResultNo', `at most ${REPORT_MAX_WINDOW} rows per call`)
    const from = timeParam(params, 'notBefore')
    const to = timeParam(params, 'notAfter')
    const expFrom = timeParam(params, 'expireNotBefore')
    const expTo = timeParam(params, 'expireNotAfter')
    const orderNumbers = listParam(params, 'orderNumber')
    const fons = listParam(params, 'foreignOrderNumber')
    const certIds = listParam(params, 'certificateID')
    const codes = listParam(params, 'certificateStatusCode').map((c) => {
      if (!/^-?\d+$/.test(c)) throw apiError.invalid('certificateStatusCode')
      return Number(c)
    })
    const words = listParam(params, 'certificateStatus').map((w) => w.toLowerCase())
    const org = optional(params, 'organizationName')
    const fqdn = optional(params, 'fqdn')
    const orgRe = org === undefined ? null : likeToRegExp(org)
    const fqdnRe = fqdn === undefined ? null : likeToRegExp(fqdn)

    const listedBefore = service.clock.now().getTime() - (ctx.reportLagMs ?? 0)
    const matching = [...service.orders.values()]
      .filter((o) => o.loginName === account.loginName)
      .filter((o) => Date.parse(o.createdAt) <= listedBefore)
      .filter((o) => {
        const current = o.certificates[o.certificates.length - 1]
        if (!current) return false
        const placed = Math.floor(Date.parse(o.createdAt) / 1000)
        if (from !== undefined && placed < from) return false
        if (to !== undefined && placed > to) return false
        const expiry = current.notAfter === null ? null : Math.floor(Date.parse(current.notAfter) / 1000)
        if (expFrom !== undefined && (expiry === null || expiry < expFrom)) return false
        if (expTo !== undefined && (expiry === null || expiry > expTo)) return false
        if (orderNumbers.length > 0 && !orderNumbers.includes(o.orderNumber)) return false
        if (fons.length > 0 && (o.foreignOrderNumber === null || !fons.includes(o.foreignOrderNumber))) return false
        if (certIds.length > 0 && !o.certificates.some((c) => certIds.includes(c.certificateID))) return false
        const view = describeCertificate(o, current)
        if (codes.length > 0 && !codes.includes(view.statusCode)) return false
        if (words.length > 0 && !words.includes(view.status)) return false
        if (orgRe && !orgRe.test(o.organization.organizationName ?? '')) return false
        if (fqdnRe && !o.certificates.some((c) => [c.commonName ?? '', ...c.dnsNames, ...c.ipAddresses].some((n) => fqdnRe.test(n)))) return false
        return true
      })
      // Stable sort: orders placed in the same millisecond keep the order they were placed in.
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    const page = matching.slice(first - 1, last)

    const pairs: Array<readonly [string, string | number]> = [
      ['errorCode', 0],
      ['noOfResults', page.length],
    ]
    page.forEach((o, i) => {
      const n = String(i + 1)
      const o2 = o.organization
      pairs.push(
        [`${n}_orderNumber`, o.orderNumber],
        [`${n}_foreignOrderNumber`, o.foreignOrderNumber ?? ''],
        [`${n}_orderStatus`, orderStatusText(o)],
        [`${n}_dateTime`, unix(o.createdAt)],
        [`${n}_organizationName`, o2.organizationName ?? ''],
        [`${n}_organizationalUnitName`, o2.organizationalUnitName ?? ''],
        [`${n}_localityName`, o2.localityName ?? ''],
        [`${n}_stateOrProvinceName`, o2.stateOrProvinceName ?? ''],
        [`${n}_postalCode`, o2.postalCode ?? ''],
        [`${n}_countryName`, o2.countryName ?? ''],
        [`${n}_validationStatus`, validationStatusText(o)],
        ...(flags.showCost ? ([[`${n}_cost`, formatAmount(o.costCents)]] as const) : []),
      )
      const certs = flags.showOldItems ? [...o.certificates].reverse() : o.certificates.slice(-1)
      pairs.push(...certificateRows(o, n, certs, flags))
    })
    return Promise.resolve(formResponse(pairs))
  },
}
