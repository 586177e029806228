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
 * (comma lists, the parameter may repeat; exact values); organizationName and fqdn with SQL-style `%`
 * and `_` wildcards (case-insensitive; fqdn matches any name of the order); certificateStatusCode
 * (ints) and certificateStatus (Sectigo's words, case-insensitive) on the current certificate.
 * Paging: rows are counted from the service's reportFirstIndex (0 by default, as a production client
 * starts: firstResultNo=0); firstResultNo defaults to that index, lastResultNo to first + 49; at most
 * 1000 rows per call (a wider window is -4). A window before the first index is clamped to it.
 * `noOfResults` is the number of matching orders in all (the production client reads it as the total
 * and pages by it); rows are numbered 1..n within the answer.
 *
 * Row keys `N_`: orderNumber, orderStatus, dateTime, organizationName, organizationalUnitName,
 * localityName, stateOrProvinceName, postalCode, countryName, validationStatus, cost (showCost). No
 * foreignOrderNumber: Sectigo documents none, and no real client reads one. Certificate keys `N_M_`
 * (M = 1 for the current certificate; older ones follow with showOldItems=Y): type, domain,
 * mdcDomainNames (showAdditionalDomains), status (Sectigo's words: Valid, Expired, Revoked, Rejected,
 * Replaced, Awaiting Validation), lastStatusChange, notBefore, notAfter, serialNumber,
 * signatureAlgorithm (showSignatureAlgorithm), keySize, webServerSoftware, certificateID
 * (showCertificateID), certificateStatusCode (Sectigo's push table codes only; left out where it has
 * none), certificateStatusDesc, the term (certificateDuration, productTermStartDate,
 * productTermEndDate, productTermDuration once the term started) and with showStatusDetails csrStatus,
 * dcvStatus, ovCallBackStatus, organizationValidationStatus, freeDVUPStatus, evClickThroughStatus.
 * showStatusesOnly=Y keeps only orderNumber, orderStatus, dateTime and the certificate status keys.
 */
const YN_FLAGS = ['showStatusDetails', 'showAdditionalDomains', 'showSignatureAlgorithm', 'showOldItems', 'showCertificateID', 'showExtStatus', 'showCost', 'showAssociatedOrders', 'showStatusesOnly'] as const

function likeToRegExp(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')
  return new RegExp(`^${body}$`, 'i')
}

const unix = (iso: string | null): number | '' => (iso === null ? '' : Math.floor(Date.parse(iso) / 1000))

function timeParam(params: RequestParams, name: string): number | undefined {
  return intParam(params, name, { min: 0 })
}

const DAY_MS = 24 * 60 * 60_000

function termRows(order: Order, c: CertificateRecord, p: string): Array<readonly [string, string | number]> {
  if (!order.termStartAt || !order.termEndAt) return []
  const certDays = c.notBefore && c.notAfter ? Math.round((Date.parse(c.notAfter) - Date.parse(c.notBefore)) / DAY_MS) : null
  return [
    ...(certDays !== null ? ([[`${p}certificateDuration`, certDays]] as const) : []),
    [`${p}productTermStartDate`, unix(order.termStartAt)],
    [`${p}productTermEndDate`, unix(order.termEndAt)],
    [`${p}productTermDuration`, order.days],
  ]
}

function certificateRows(order: Order, prefix: string, certs: CertificateRecord[], flags: Record<(typeof YN_FLAGS)[number], boolean>, now: Date): FormPairs {
  const rows: Array<readonly [string, string | number]> = []
  certs.forEach((c, j) => {
    const p = `${prefix}_${j + 1}_`
    const view = describeCertificate(order, c, now)
    const status: Array<readonly [string, string | number]> = [
      [`${p}status`, view.reportStatus],
      [`${p}lastStatusChange`, unix(c.statusChangedAt)],
      ...(view.statusCode !== null ? ([[`${p}certificateStatusCode`, view.statusCode]] as const) : []),
      [`${p}certificateStatusDesc`, view.statusDesc],
    ]
    if (flags.showStatusesOnly) {
      rows.push(...status)
      return
    }
    rows.push(
      [`${p}type`, 'SSL'],
      [`${p}domain`, c.commonName ?? ''],
      ...(flags.showAdditionalDomains ? ([[`${p}mdcDomainNames`, [...c.dnsNames, ...c.ipAddresses].join(',')]] as const) : []),
      ...status,
      [`${p}notBefore`, unix(c.notBefore)],
      [`${p}notAfter`, unix(c.notAfter)],
      [`${p}serialNumber`, c.serialNumber?.toUpperCase() ?? ''],
      ...(flags.showSignatureAlgorithm ? ([[`${p}signatureAlgorithm`, c.signatureAlgorithm]] as const) : []),
      [`${p}keySize`, c.keyBits],
      [`${p}webServerSoftware`, order.serverSoftware],
      ...(flags.showCertificateID ? ([[`${p}certificateID`, c.certificateID]] as const) : []),
      ...termRows(order, c, p),
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
    const base = service.reportFirstIndex
    const first = intParam(params, 'firstResultNo', { min: 0 }) ?? base
    const last = intParam(params, 'lastResultNo', { min: 0 }) ?? first + REPORT_DEFAULT_WINDOW - 1
    if (last < first) throw apiError.invalid('lastResultNo', 'smaller than firstResultNo')
    if (last - first + 1 > REPORT_MAX_WINDOW) throw apiError.invalid('lastResultNo', `at most ${REPORT_MAX_WINDOW} rows per call`)
    const from = timeParam(params, 'notBefore')
    const to = timeParam(params, 'notAfter')
    const expFrom = timeParam(params, 'expireNotBefore')
    const expTo = timeParam(params, 'expireNotAfter')
    const orderNumbers = listParam(params, 'orderNumber')
    const fons = listParam(params, 'foreignOrderNumber')
    const fonRes = fons.map(likeToRegExp)
    const certIds = listParam(params, 'certificateID')
    const codes = listParam(params, 'certificateStatusCode').map((c) => {
      if (!/^-?\d+$/.test(c)) throw apiError.invalid('certificateStatusCode')
      return Number(c)
    })
    // Status words contain spaces ("Awaiting Validation"): this list is split on commas only.
    const words = params
      .getAll('certificateStatus')
      .flatMap((v) => v.split(','))
      .map((w) => w.trim().toLowerCase().replace(/\s+/g, ' '))
      .filter((w) => w !== '')
    const now = service.clock.now()
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
        // Issue 11 reads Sectigo as treating `_` (and `%`) as wildcards in this filter too: the sandbox does,
        // so a client that sends a reference with `_` gets other orders' rows as well.
        if (fons.length > 0 && (o.foreignOrderNumber === null || !fonRes.some((re) => re.test(o.foreignOrderNumber ?? '')))) return false
        if (certIds.length > 0 && !o.certificates.some((c) => certIds.includes(c.certificateID))) return false
        const view = describeCertificate(o, current, now)
        if (codes.length > 0 && (view.statusCode === null || !codes.includes(view.statusCode))) return false
        if (words.length > 0 && !words.includes(view.reportStatus.toLowerCase())) return false
        if (orgRe && !orgRe.test(o.organization.organizationName ?? '')) return false
        if (fqdnRe && !o.certificates.some((c) => [c.commonName ?? '', ...c.dnsNames, ...c.ipAddresses].some((n) => fqdnRe.test(n)))) return false
        return true
      })
      // Stable sort: orders placed in the same millisecond keep the order they were placed in.
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    // Indexes count from `base`; a window reaching below it is clamped (a 0-based window on a 1-based report).
    const page = matching.slice(Math.max(first, base) - base, Math.max(last + 1 - base, 0))

    const pairs: Array<readonly [string, string | number]> = [
      ['errorCode', 0],
      ['noOfResults', matching.length],
    ]
    page.forEach((o, i) => {
      const n = String(i + 1)
      const o2 = o.organization
      pairs.push([`${n}_orderNumber`, o.orderNumber], [`${n}_orderStatus`, orderStatusText(o)], [`${n}_dateTime`, unix(o.createdAt)])
      if (!flags.showStatusesOnly) {
        pairs.push(
        [`${n}_organizationName`, o2.organizationName ?? ''],
        [`${n}_organizationalUnitName`, o2.organizationalUnitName ?? ''],
        [`${n}_localityName`, o2.localityName ?? ''],
        [`${n}_stateOrProvinceName`, o2.stateOrProvinceName ?? ''],
        [`${n}_postalCode`, o2.postalCode ?? ''],
        [`${n}_countryName`, o2.countryName ?? ''],
        [`${n}_validationStatus`, validationStatusText(o)],
        ...(flags.showCost ? ([[`${n}_cost`, formatAmount(o.costCents)]] as const) : []),
        )
      }
      const certs = flags.showOldItems ? [...o.certificates].reverse() : o.certificates.slice(-1)
      pairs.push(...certificateRows(o, n, certs, flags, now))
    })
    return Promise.resolve(formResponse(pairs))
  },
}
