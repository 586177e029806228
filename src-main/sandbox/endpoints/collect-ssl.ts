import { encodePem } from '../../core/pki/pem'
import { assertNever } from '../../core/util/assert-never'
import { apiError } from '../api-error'
import { fileStem, netscapeSequenceDer, pkcs7Der, zipBundle } from '../bundles'
import {
  currentCertificate,
  describeCertificate,
  dcvCode,
  errorForState,
  stepCode,
  validationStatusText,
  type CertificateRecord,
  type Order,
} from '../orders'
import { choiceParam, optional, required, yesNo, type RequestParams } from '../params'
import { formResponse, newlineResponse, type SandboxResponse } from '../responses'
import { authenticate, CREDENTIALS, orderRef, type Endpoint, type EndpointContext } from './endpoint'

/**
 * download/CollectSSL (reference §3.2): 0 still being processed, 1 issued (queryType=0), 2 issued and
 * attached; -20 rejected, -21 revoked, -26 being issued. Pending validation is re-checked on every
 * call (Sectigo re-tests HTTP/CNAME DCV when asked).
 *
 * Formats served:
 * - newline (default) and URL-encoded (responseFormat=1);
 * - queryType 0 status, 1 certificate + CA certificates, 2 certificate only, 3 CA certificates only;
 * - responseType 3 individually encoded (default: PEM blocks in newline, Base64 DER `certificate` and
 *   repeated `caCertificate` in URL-encoded), 2 PKCS#7, 1 Netscape Certificate Sequence, 0 ZIP of
 *   PEM .crt files (types 0-2 need queryType=1, Base64 unless responseEncoding=1 gives raw bytes for
 *   ZIP and PKCS#7);
 * - chain order: root first, intermediate, leaf last, in every container. Clients must order the
 *   chain by issuer links, never by position (reference §9.6).
 * Newline layout: status; FQDN (showFQDN); notBefore and notAfter as Unix seconds
 * (showValidityPeriod); the certificate data; a blank line and the certificate status (showExtStatus).
 */
type QueryType = 0 | 1 | 2 | 3
type ResponseType = 0 | 1 | 2 | 3

interface Flags {
  queryType: QueryType
  responseType: ResponseType
  binary: boolean
  mimeType: string | undefined
  form: boolean
  showFqdn: boolean
  showValidity: boolean
  showExtStatus: boolean
  showStatusDetails: boolean
}

function readFlags(params: RequestParams): Flags {
  required(params, 'queryType')
  const queryType = choiceParam<QueryType>(params, 'queryType', [0, 1, 2, 3], 0)
  const responseType = choiceParam<ResponseType>(params, 'responseType', [0, 1, 2, 3], 3)
  const encoding = choiceParam(params, 'responseEncoding', [0, 1], 0)
  if (responseType !== 3 && queryType !== 1) throw apiError.invalid('responseType', 'responseType 0, 1 and 2 need queryType=1')
  if (encoding === 1 && (queryType !== 1 || (responseType !== 0 && responseType !== 2))) {
    throw apiError.invalid('responseEncoding', 'binary output needs queryType=1 and responseType 0 or 2')
  }
  const format = choiceParam(params, 'responseFormat', [0, 1], 0)
  for (const f of ['showMDCDomainDetails', 'showMDCDomainDetails2']) yesNo(params, f, false)
  return {
    queryType,
    responseType,
    binary: encoding === 1,
    mimeType: optional(params, 'responseMimeType'),
    form: format === 1,
    showFqdn: yesNo(params, 'showFQDN', false),
    showValidity: yesNo(params, 'showValidityPeriod', false),
    showExtStatus: yesNo(params, 'showExtStatus', false),
    showStatusDetails: yesNo(params, 'showStatusDetails', false),
  }
}

const unix = (iso: string | null): number => (iso === null ? 0 : Math.floor(Date.parse(iso) / 1000))

function statusDetails(order: Order): Array<[string, number]> {
  const out: Array<[string, number]> = [
    ['csrStatus', 1],
    ['dcvStatus', dcvCode(order)],
    ['ovCallBackStatus', stepCode(order.steps['ov-callback'])],
    ['organizationValidationStatus', stepCode(order.steps['organization-validation'])],
    ['freeDVUPStatus', -1],
  ]
  // Sectigo omits the EV-only fields for other orders (reference §3.2, C-CHK).
  if (order.validation === 'EV') out.push(['evClickThroughStatus', stepCode(order.steps['ev-click-through'])], ['brandValStatus', -1])
  return out
}

function answer(ctx: EndpointContext, f: Flags, order: Order, cert: CertificateRecord | null): SandboxResponse {
  const shown = cert ?? currentCertificate(order)
  const view = describeCertificate(order, shown, ctx.service.clock.now())
  const fqdn = shown.commonName ?? shown.dnsNames[0] ?? ''
  const issued = cert !== null && cert.derB64 !== null
  const status = !issued ? 0 : f.queryType === 0 ? 1 : 2

  if (f.binary) {
    if (!issued || cert === null) return newlineResponse([0, 'The certificate is being processed'])
    const ders = [...ctx.service.ca.chainDers(), Buffer.from(cert.derB64 ?? '', 'base64')]
    ctx.service.markCollected(cert)
    const body = f.responseType === 0 ? zipOf(ctx, cert, ders) : pkcs7Der(ders)
    return { status: 200, contentType: f.mimeType ?? (f.responseType === 0 ? 'application/zip' : 'application/pkcs7-mime'), body }
  }

  const leafDer = issued && cert ? Buffer.from(cert.derB64 ?? '', 'base64') : null
  const caDers = ctx.service.ca.chainDers()
  const data: Array<[string, string]> = []
  const lines: string[] = []
  if (leafDer !== null && cert !== null && f.queryType !== 0) {
    const all = [...caDers, leafDer]
    switch (f.responseType) {
      case 3: {
        const withCa = f.queryType === 1 || f.queryType === 3
        const withLeaf = f.queryType === 1 || f.queryType === 2
        if (f.form) {
          if (withLeaf) data.push(['certificate', leafDer.toString('base64')])
          if (withCa) for (const d of caDers) data.push(['caCertificate', d.toString('base64')])
        } else {
          const blocks = [...(withCa ? caDers : []), ...(withLeaf ? [leafDer] : [])]
          lines.push(...blocks.map((d) => encodePem('CERTIFICATE', d).trimEnd()))
        }
        break
      }
      case 2:
        pushBase64(f, data, lines, 'pkcs7', pkcs7Der(all))
        break
      case 1:
        pushBase64(f, data, lines, 'netscapeCertificateSequence', netscapeSequenceDer(all))
        break
      case 0:
        pushBase64(f, data, lines, 'zipFile', zipOf(ctx, cert, all))
        break
      default:
        assertNever(f.responseType, 'responseType')
    }
    ctx.service.markCollected(cert)
  }

  if (f.form) {
    return formResponse([
      ['errorCode', status],
      ['orderNumber', order.orderNumber],
      ...(f.showExtStatus ? ([['certificateStatus', view.certificateStatus], ['validationStatus', validationStatusText(order)]] as const) : []),
      ...(f.showFqdn ? ([['fqdn', fqdn]] as const) : []),
      ...(f.showValidity && issued ? ([['notBefore', unix(shown.notBefore)], ['notAfter', unix(shown.notAfter)]] as const) : []),
      ...(f.showExtStatus ? termFields(order, issued ? shown : null) : []),
      ...data,
      ...(f.showStatusDetails ? statusDetails(order) : []),
    ])
  }
  return newlineResponse([
    status,
    ...(f.showFqdn ? [fqdn] : []),
    ...(f.showValidity && issued ? [unix(shown.notBefore), unix(shown.notAfter)] : []),
    ...lines,
    ...(f.showExtStatus ? ['', view.certificateStatus] : []),
  ])
}

const DAY_MS = 24 * 60 * 60_000

/**
 * The order term apart from the certificate (CollectSSL v1.21 keys certificateDuration,
 * productTermStartDate, productTermEndDate, productTermDuration; D-COL changelog). Their format is
 * not documented: the sandbox sends Unix seconds and days, as a production WebHostReport importer
 * reads them (digits). Sent with showExtStatus=Y once the term has started (first issuance).
 */
function termFields(order: Order, cert: CertificateRecord | null): Array<[string, number]> {
  if (!order.termStartAt || !order.termEndAt) return []
  const out: Array<[string, number]> = []
  if (cert?.notBefore && cert.notAfter) out.push(['certificateDuration', Math.round((Date.parse(cert.notAfter) - Date.parse(cert.notBefore)) / DAY_MS)])
  out.push(['productTermStartDate', unix(order.termStartAt)], ['productTermEndDate', unix(order.termEndAt)], ['productTermDuration', order.days])
  return out
}

function pushBase64(f: Flags, data: Array<[string, string]>, lines: string[], key: string, der: Buffer): void {
  if (f.form) data.push([key, der.toString('base64')])
  else lines.push(der.toString('base64'))
}

function zipOf(ctx: EndpointContext, cert: CertificateRecord, all: Buffer[]): Buffer {
  const [root, intermediate, leaf] = all
  const ca = ctx.service.ca
  return zipBundle([
    { name: `${fileStem(cert.commonName ?? cert.dnsNames[0] ?? 'certificate')}.crt`, der: leaf ?? Buffer.alloc(0) },
    { name: `${fileStem(ca.intermediate.subjectName.getField('CN')[0] ?? 'intermediate')}.crt`, der: intermediate ?? Buffer.alloc(0) },
    { name: `${fileStem(ca.root.subjectName.getField('CN')[0] ?? 'root')}.crt`, der: root ?? Buffer.alloc(0) },
  ])
}

export const collectSsl: Endpoint = {
  name: 'CollectSSL',
  paths: ['download/CollectSSL', 'download/!CollectSSL'],
  params: [
    ...CREDENTIALS,
    'orderNumber',
    'certificateID',
    'baseOrderNumber',
    'queryType',
    'responseType',
    'responseEncoding',
    'responseMimeType',
    'showValidityPeriod',
    'showFQDN',
    'showExtStatus',
    'responseFormat',
    'showMDCDomainDetails',
    'showMDCDomainDetails2',
    'showStatusDetails',
    'behaviourVersion',
  ],
  style: (params) => (params.get('responseEncoding')?.trim() === '1' ? 'newline' : params.get('responseFormat')?.trim() === '1' ? 'form' : 'newline'),
  async handle(ctx) {
    const account = authenticate(ctx)
    const flags = readFlags(ctx.params)
    const ref = orderRef(ctx, account, { certificateID: true })
    return ctx.service.withOrder(ref.order.orderNumber, async (order) => {
      if (ref.cert !== null && ref.cert !== currentCertificate(order)) {
        // An older certificate asked for by ID (collectable after replacement since v1.21).
        if (ref.cert.status === 'revoked') throw apiError.revoked()
        if (ref.cert.derB64 === null) throw apiError.rejected()
        return answer(ctx, flags, order, ref.cert)
      }
      await ctx.service.refresh(order)
      ctx.service.pollIssuing(order)
      await ctx.service.progress(order)
      switch (order.state) {
        case 'awaiting_validation':
        case 'issuing':
          return answer(ctx, flags, order, null)
        case 'issued':
          return answer(ctx, flags, order, currentCertificate(order))
        case 'rejected':
        case 'revoked':
          throw errorForState(order.state)
        default:
          return assertNever(order.state, 'order state')
      }
    })
  },
}
