import { describe, expect, it } from 'vitest'
import { apiError } from '../../../src-main/sandbox/api-error'
import { nextState, type OrderEvent, type OrderState } from '../../../src-main/sandbox/orders'
import { RequestParams, rejectUnknown } from '../../../src-main/sandbox/params'
import { errorResponse, formBody, sectigoEncode } from '../../../src-main/sandbox/responses'

describe('Sandbox CA wire format and state machine', () => {
  it('form-encodes values the way Sectigo does', () => {
    expect(sectigoEncode("The 'csr' argument is missing!")).toBe('The+%27csr%27+argument+is+missing%21')
    expect(sectigoEncode('ab+/c==')).toBe('ab%2B%2Fc%3D%3D')
    expect(formBody([['caCertificate', 'A+'], ['caCertificate', 'B/']])).toBe('caCertificate=A%2B&caCertificate=B%2F')
    expect(new URLSearchParams(formBody([['v', "a b+c/d=e!'()*~"]])).get('v')).toBe("a b+c/d=e!'()*~")
  })

  it('writes errors in both families, errorItem only in the URL-encoded one', () => {
    expect(errorResponse('newline', apiError.missing('csr')).body).toBe("-3\nThe 'csr' argument is missing!\n")
    expect(errorResponse('form', apiError.unknownArgument('Foo')).body).toBe('errorCode=-2&errorMessage=%27Foo%27+is+an+unrecognised+argument%21&errorItem=Foo')
    expect(errorResponse('form', apiError.badLogin()).body).toBe(
      'errorCode=-16&errorMessage=Incorrect+login+details%2C+account+is+locked%2C+password+has+expired+or+your+source+IP+is+blocked',
    )
  })

  it('reads parameter names case-insensitively, body before query', () => {
    const p = RequestParams.parse('LoginName=body&csr=x', new URLSearchParams('loginname=query&Extra=1'))
    expect(p.get('LOGINNAME')).toBe('body')
    expect(p.getAll('loginName')).toEqual(['body', 'query'])
    expect(() => rejectUnknown(p, ['loginName', 'csr'])).toThrow(expect.objectContaining({ code: -2, item: 'Extra' }) as Error)
  })

  it('allows only the documented transitions', () => {
    const states: OrderState[] = ['awaiting_validation', 'issuing', 'issued', 'rejected', 'revoked']
    const events: OrderEvent[] = ['validated', 'signed', 'cancel', 'revoke', 'reissue', 'change-validation']
    const table: Record<string, string> = {}
    for (const s of states) {
      for (const e of events) {
        try {
          table[`${s} ${e}`] = nextState(s, e)
        } catch (err) {
          table[`${s} ${e}`] = String((err as { code: number }).code)
        }
      }
    }
    expect(table).toEqual({
      'awaiting_validation validated': 'issuing',
      'awaiting_validation signed': '-4',
      'awaiting_validation cancel': 'rejected',
      'awaiting_validation revoke': '-4',
      'awaiting_validation reissue': 'awaiting_validation',
      'awaiting_validation change-validation': 'awaiting_validation',
      'issuing validated': '-26',
      'issuing signed': 'issued',
      'issuing cancel': '-26',
      'issuing revoke': '-26',
      'issuing reissue': '-26',
      'issuing change-validation': '-26',
      'issued validated': '-4',
      'issued signed': '-4',
      'issued cancel': '-4',
      'issued revoke': 'revoked',
      'issued reissue': 'awaiting_validation',
      'issued change-validation': '-4',
      'rejected validated': '-20',
      'rejected signed': '-20',
      'rejected cancel': '-20',
      'rejected revoke': '-20',
      'rejected reissue': '-20',
      'rejected change-validation': '-20',
      'revoked validated': '-21',
      'revoked signed': '-21',
      'revoked cancel': '-21',
      'revoked revoke': '-21',
      'revoked reissue': '-21',
      'revoked change-validation': '-21',
    })
  })
})
