import { describe, expect, it } from 'vitest'
import { parserContext } from '../../../src-main/core/sectigo/call-context'
import { autoRemoveMdcDomain } from '../../../src-main/core/sectigo/endpoints/auto-remove-mdc-domain'
import { autoRevokeSsl } from '../../../src-main/core/sectigo/endpoints/auto-revoke-ssl'
import { autoUpdateDcv } from '../../../src-main/core/sectigo/endpoints/auto-update-dcv'
import { parseCollectSslResponse } from '../../../src-main/core/sectigo/endpoints/collect-ssl'
import { decodeCsr } from '../../../src-main/core/sectigo/endpoints/decode-csr'
import { parseDcvEmailAddressList } from '../../../src-main/core/sectigo/endpoints/get-dcv-email-address-list'
import { parseMdcDomainDetails } from '../../../src-main/core/sectigo/endpoints/get-mdc-domain-details'
import { parseAppliedOrderUrl, parsePlacedOrderNewline, parsePlacedOrderUrl } from '../../../src-main/core/sectigo/endpoints/placed-order'
import { resendDcvEmail } from '../../../src-main/core/sectigo/endpoints/resend-dcv-email'
import { updateUserEvClickThrough } from '../../../src-main/core/sectigo/endpoints/update-user-ev-click-through'
import { webHostReport } from '../../../src-main/core/sectigo/endpoints/web-host-report'
import { SectigoError } from '../../../src-main/core/sectigo/errors'
import { textBody } from '../../../src-main/core/sectigo/responses/body'

const apply = parserContext('AutoApplySSL', 'Placing the order', true)

function thrown(f: () => unknown): SectigoError {
  try {
    f()
  } catch (e) {
    if (e instanceof SectigoError) return e
    throw e
  }
  throw new Error('expected a SectigoError')
}

describe('AutoApplySSL answers quoted in the reference', () => {
  it('reads the newline sample 0 / 3040824 / 210.00 / 1 / TnerFu0d', () => {
    const r = parsePlacedOrderNewline(textBody('0\n3040824\n210.00\n1\nTnerFu0d'), { showCertificateID: false, showCertificateState: false }, apply)
    expect(r).toEqual({ paymentRequired: false, orderNumber: '3040824', totalCost: '210.00', uniqueValue: 'TnerFu0d' })
  })

  it('reads the newline sample with CRLF line ends and a trailing newline', () => {
    const r = parsePlacedOrderNewline(textBody('0\r\n3040824\r\n210.00\r\n1\r\nTnerFu0d\r\n'), { showCertificateID: false, showCertificateState: false }, apply)
    expect(r.orderNumber).toBe('3040824')
    expect(r.uniqueValue).toBe('TnerFu0d')
  })

  it('reads the URL-encoded sample', () => {
    const r = parseAppliedOrderUrl(textBody('errorCode=0&orderNumber=3040824&totalCost=210.00&expectedDeliveryTime=1&uniqueValue=TnerFu0d'), apply)
    expect(r).toEqual({ paymentRequired: false, orderNumber: '3040824', totalCost: '210.00', uniqueValue: 'TnerFu0d' })
  })

  it('marks status 1 as placed but payment required', () => {
    const r = parseAppliedOrderUrl(textBody('errorCode=1&orderNumber=123456789&totalCost=12.98&certificateID=4711&expectedDeliveryTime=123456'), apply)
    expect(r).toMatchObject({ paymentRequired: true, orderNumber: '123456789', totalCost: '12.98', certificateId: '4711' })
  })

  it('turns the -3 sample into a typed error with the decoded message', () => {
    const e = thrown(() => parseAppliedOrderUrl(textBody('errorCode=-3&errorMessage=The+%27logoPriorUseDomainName%27+argument+is+missing%21'), apply))
    expect(e.sectigoCode).toBe(-3)
    expect(e.errorClass).toBe('permanent')
    expect(e.code).toBe('ca_error')
    expect(e.serverMessage).toBe("The 'logoPriorUseDomainName' argument is missing!")
    expect(e.message).toMatch(/^Placing the order failed: /)
  })

  it('reads a newline error: status line then message', () => {
    const e = thrown(() => parsePlacedOrderNewline(textBody('-15\nNot enough credit!\n'), { showCertificateID: false, showCertificateState: false }, apply))
    expect(e.sectigoCode).toBe(-15)
    expect(e.serverMessage).toBe('Not enough credit!')
  })

  it('accepts an error in the newline family where URL-encoded was asked for, but never a success', () => {
    expect(thrown(() => parseAppliedOrderUrl(textBody('-16\nIncorrect login details\n'), apply)).errorClass).toBe('auth')
    expect(thrown(() => parseAppliedOrderUrl(textBody('0\n3040824\n210.00\n1\n'), apply)).errorClass).toBe('bad_response')
  })

  it('refuses a success without an order number, or with a negative one', () => {
    expect(thrown(() => parseAppliedOrderUrl(textBody('errorCode=0&totalCost=1.00'), apply)).errorClass).toBe('bad_response')
    expect(thrown(() => parseAppliedOrderUrl(textBody('errorCode=0&orderNumber=-5'), apply)).errorClass).toBe('bad_response')
  })

  it('reads an AutoReplaceSSL answer without an order number', () => {
    const r = parsePlacedOrderUrl(textBody('errorCode=0&expectedDeliveryTime=0&certificateID=123456'), parserContext('AutoReplaceSSL'), false)
    expect(r).toEqual({ paymentRequired: false, certificateId: '123456' })
  })
})

describe('URL-encoded acknowledgements quoted in the reference', () => {
  const endpoints = [autoRemoveMdcDomain, autoUpdateDcv, resendDcvEmail, autoRevokeSsl]

  it.each(endpoints.map((e) => [e.name, e] as const))('%s: errorCode=0 is success', (_n, spec) => {
    expect(spec.parse(textBody('errorCode=0'), parserContext(spec.name))).toEqual({ ok: true })
  })

  it('AutoRemoveMDCDomain: the -17 sample with literal spaces and "!" is a typed error', () => {
    const e = thrown(() => autoRemoveMdcDomain.parse(textBody('errorCode=-17&errorMessage=Request used GET rather than POST!'), parserContext('AutoRemoveMDCDomain')))
    expect(e.sectigoCode).toBe(-17)
    expect(e.serverMessage).toBe('Request used GET rather than POST!')
  })

  it('keeps errorItem for -2', () => {
    const e = thrown(() => autoUpdateDcv.parse(textBody("errorCode=-2&errorItem=responseFormat&errorMessage=%27responseFormat%27+is+an+unrecognised+argument%21"), parserContext('AutoUpdateDCV')))
    expect(e.errorItem).toBe('responseFormat')
    expect(e.message).toContain("'responseFormat'")
  })

  it('UpdateUserEvClickThrough: status 1 means completed', () => {
    const r = updateUserEvClickThrough.parse(textBody('errorCode=0&status=1&description=Done'), parserContext('UpdateUserEvClickThrough'))
    expect(r).toEqual({ outcome: 'completed', status: 1, description: 'Done' })
  })
})

describe('GetDCVEmailAddressList text lines', () => {
  const ctx = parserContext('GetDCVEmailAddressList')

  it('reads the tab-separated fixture, trimming leading spaces', () => {
    const body =
      '0\n' +
      'domain_name\twww.test-domain.org\n' +
      'whois_email\t support@test-domain.org\n' +
      'level2_email\t admin@test-domain.org\n' +
      'level2_email\t postmaster@test-domain.org\n' +
      'level3_email\t admin@www.test-domain.org\n' +
      'level3_email\t postmaster@www.test-domain.org\n'
    const r = parseDcvEmailAddressList(textBody(body), ctx)
    expect(r.domainName).toBe('www.test-domain.org')
    expect(r.whoisEmails).toEqual(['support@test-domain.org'])
    expect(r.level2Emails).toEqual(['admin@test-domain.org', 'postmaster@test-domain.org'])
    expect(r.level3Emails).toEqual(['admin@www.test-domain.org', 'postmaster@www.test-domain.org'])
    expect(r.all).toHaveLength(5)
  })

  it('drops whois_email none', () => {
    const r = parseDcvEmailAddressList(textBody('0\ndomain_name\texample.com\nwhois_email\tnone\nlevel2_email\twebmaster@example.com\n'), ctx)
    expect(r.whoisEmails).toEqual([])
    expect(r.all).toEqual(['webmaster@example.com'])
  })

  it('refuses lines without a tab and non-addresses', () => {
    expect(thrown(() => parseDcvEmailAddressList(textBody('0\nlevel2_email admin@example.com\n'), ctx)).errorClass).toBe('bad_response')
    expect(thrown(() => parseDcvEmailAddressList(textBody('0\nlevel2_email\tnot an address\n'), ctx)).errorClass).toBe('bad_response')
  })

  it('reads a newline error and a URL-encoded error', () => {
    expect(thrown(() => parseDcvEmailAddressList(textBody('-16\nPermission denied\n'), ctx)).errorClass).toBe('auth')
    expect(thrown(() => parseDcvEmailAddressList(textBody('errorCode=-4&errorItem=domainName'), ctx)).errorItem).toBe('domainName')
  })

  it('refuses a URL-encoded success, which it did not ask for', () => {
    expect(thrown(() => parseDcvEmailAddressList(textBody('errorCode=0'), ctx)).errorClass).toBe('bad_response')
  })
})

describe('GetMDCDomainDetails', () => {
  const ctx = parserContext('GetMDCDomainDetails')

  it('reads N_ rows in order and counts only "Validated" as validated', () => {
    const body = 'errorCode=0&2_domainName=b.example.com&2_dcvMethod=HTTP+CSR+Hash&2_dcvStatus=Not+Validated&1_domainName=test.com&1_dcvMethod=EMAIL&1_dcvStatus=Validated'
    const r = parseMdcDomainDetails(textBody(body), ctx)
    expect(r.domains).toEqual([
      { domainName: 'test.com', dcvMethod: 'EMAIL', dcvMethodText: 'EMAIL', dcvStatusText: 'Validated', validated: true },
      { domainName: 'b.example.com', dcvMethod: 'HTTP_CSR_HASH', dcvMethodText: 'HTTP CSR Hash', dcvStatusText: 'Not Validated', validated: false },
    ])
  })

  it('refuses a row without a domain name', () => {
    expect(thrown(() => parseMdcDomainDetails(textBody('errorCode=0&1_dcvMethod=EMAIL'), ctx)).errorClass).toBe('bad_response')
  })
})

describe('CollectSSL status answers', () => {
  const ctx = parserContext('CollectSSL')

  it('errorCode=1 with certificateStatus Issued is issued', () => {
    const r = parseCollectSslResponse(textBody('errorCode=1&orderNumber=12345678&certificateStatus=Issued'), ctx)
    expect(r).toMatchObject({ kind: 'issued', orderNumber: '12345678', certificateStatus: 'Issued' })
  })

  it('errorCode=0 is processing, with validity and status details', () => {
    const r = parseCollectSslResponse(
      textBody('errorCode=0&orderNumber=12345678&notBefore=1388576001&notAfter=1420112001&csrStatus=1&dcvStatus=2&ovCallBackStatus=-1&validationStatus=Awaiting+Brand+Validation'),
      ctx,
    )
    expect(r).toMatchObject({
      kind: 'processing',
      validationStatus: 'Awaiting Brand Validation',
      notBefore: new Date(1388576001 * 1000),
      notAfter: new Date(1420112001 * 1000),
      statusDetails: {
        csrStatus: { state: 'completed', code: 1 },
        dcvStatus: { state: 'pending', code: 2 },
        ovCallBackStatus: { state: 'not_required', code: -1 },
      },
    })
  })

  it.each([
    [-20, 'rejected'],
    [-21, 'revoked'],
    [-26, 'being_issued'],
    [-23, 'being_issued'],
  ] as const)('%i is the result %s, not an exception', (code, kind) => {
    const r = parseCollectSslResponse(textBody(`errorCode=${code}&errorMessage=State+${code}`), ctx)
    expect(r).toEqual({ kind, sectigoCode: code, message: `State ${code}` })
  })

  it('-16 is still thrown', () => {
    expect(thrown(() => parseCollectSslResponse(textBody('errorCode=-16&errorMessage=Permission+denied'), ctx)).errorClass).toBe('auth')
  })

  it('status 2 without certificates is a bad response, never a success', () => {
    expect(thrown(() => parseCollectSslResponse(textBody('errorCode=2&orderNumber=1'), ctx)).errorClass).toBe('bad_response')
  })
})

describe('WebHostReport flattened rows', () => {
  const ctx = parserContext('WebHostReport')

  it('turns N_ and N_M_ keys into typed rows and items, keeping unknown keys', () => {
    const body = [
      'errorCode=0',
      'noOfResults=2',
      '2_orderNumber=3040825',
      '1_orderNumber=3040824',
      '1_orderStatus=Valid',
      '1_dateTime=1700000000',
      '1_organizationName=M%C3%BCller+GmbH',
      '1_newThing=x',
      '1_1_type=DV',
      '1_1_domain=www.example.com',
      '1_1_certificateID=99',
      '1_1_certificateStatusCode=9',
      '1_1_certificateStatusDesc=caacheckfailed',
      '1_1_notAfter=1731536000',
      '1_1_keySize=2048',
      '1_1_dcvStatus=1',
      '1_1_ovCallBackStatus=-1',
      '1_2_domain=old.example.com',
    ].join('&')
    const r = webHostReport.parse(textBody(body), ctx)
    expect(r.noOfResults).toBe(2)
    expect(r.rows.map((x) => x.orderNumber)).toEqual(['3040824', '3040825'])
    const [first] = r.rows
    expect(first).toMatchObject({
      orderStatus: 'Valid',
      dateTime: new Date(1_700_000_000_000),
      organizationName: 'Müller GmbH',
      extra: { newThing: ['x'] },
    })
    expect(first?.items).toHaveLength(2)
    expect(first?.items[0]).toMatchObject({
      index: 1,
      type: 'DV',
      certificateId: '99',
      certificateStatusCode: 9,
      certificateStatusDesc: 'caacheckfailed',
      keySize: 2048,
      notAfter: new Date(1_731_536_000_000),
      statusDetails: { dcvStatus: { state: 'completed', code: 1 }, ovCallBackStatus: { state: 'not_required', code: -1 } },
      extra: {},
    })
  })

  it('skips a row without an order number or with a non-numeric time, naming why, and keeps the others', () => {
    const noNumber = webHostReport.parse(textBody('errorCode=0&1_orderStatus=x&2_orderNumber=7'), ctx)
    expect(noNumber.rows.map((r) => r.orderNumber)).toEqual(['7'])
    expect(noNumber.skipped.map((x) => x.index)).toEqual([1])
    expect(noNumber.skipped[0]?.reason).toMatch(/order row 1: the field "orderNumber" is missing/)
    const badTime = webHostReport.parse(textBody('errorCode=0&1_orderNumber=1&1_dateTime=yesterday'), ctx)
    expect(badTime.rows).toEqual([])
    expect(badTime.skipped[0]?.reason).toMatch(/dateTime/)
  })
})

describe('DecodeCSR text', () => {
  const ctx = parserContext('DecodeCSR')

  it('reads name=value lines and the hashes, with a bare or named status line', () => {
    for (const status of ['0', 'errorCode=0']) {
      const r = decodeCsr.parse(textBody(`${status}\nCN=www.example.com\nmd5=${'AB'.repeat(16)}\nsha1=${'c'.repeat(40)}\nsha256=${'d'.repeat(64)}\nSAN=a.example.com\nSAN=b.example.com\n`), ctx)
      expect(r.md5).toBe('ab'.repeat(16))
      expect(r.sha256).toBe('d'.repeat(64))
      expect(r.fields.filter((f) => f.name === 'SAN').map((f) => f.value)).toEqual(['a.example.com', 'b.example.com'])
    }
  })

  it('turns -40 into a typed error and refuses a malformed hash', () => {
    expect(thrown(() => decodeCsr.parse(textBody('-40\nerrorMessage=Key compromised'), ctx))).toMatchObject({ sectigoCode: -40, serverMessage: 'Key compromised' })
    expect(thrown(() => decodeCsr.parse(textBody('0\nsha256=xyz'), ctx)).errorClass).toBe('bad_response')
  })
})

describe('bodies that are not API answers', () => {
  const ctx = parserContext('AutoRemoveMDCDomain')

  it.each([
    ['an HTML page', '<!DOCTYPE html><html><body>errorCode=0</body></html>'],
    ['an HTML page after text', 'Service unavailable\n<html><body>errorCode=0</body></html>'],
    ['an empty body', ''],
    ['a blank body', ' \n\r\n'],
    ['JSON', '{"errorCode":0}'],
    ['a NUL byte', 'errorCode=0\u0000'],
  ])('%s is a bad response', (_what, text) => {
    expect(thrown(() => autoRemoveMdcDomain.parse(textBody(text), ctx)).errorClass).toBe('bad_response')
  })

  it('judges by content, not by a text/html Content-Type', () => {
    expect(autoRemoveMdcDomain.parse(textBody('errorCode=0', 'text/html'), ctx)).toEqual({ ok: true })
  })
})
