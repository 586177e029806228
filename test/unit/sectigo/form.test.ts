import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeForm, encodeForm } from '../../../src-main/core/sectigo/form'

const fields = (text: string) => {
  const r = decodeForm(text)
  if (!r.ok) throw new Error(r.reason)
  return r.fields
}

describe('form encoding', () => {
  it('encodes spaces as + and escapes + / = & %', () => {
    expect(encodeForm([['csr', 'a+b/c=d&e%f g']])).toBe('csr=a%2Bb%2Fc%3Dd%26e%25f+g')
  })

  it('keeps repeated keys in order', () => {
    const f = fields('errorCode=2&caCertificate=AAA&certificate=BBB&caCertificate=CCC')
    expect(f.all('caCertificate')).toEqual(['AAA', 'CCC'])
    expect(f.first('certificate')).toBe('BBB')
    expect(f.keys).toEqual(['errorCode', 'caCertificate', 'certificate'])
  })

  it('decodes + and %-escapes exactly once', () => {
    const f = fields('errorMessage=The+%27x%27+argument+is+missing%21&b64=ab%2Bcd%2F%3D&twice=%252B')
    expect(f.first('errorMessage')).toBe("The 'x' argument is missing!")
    expect(f.first('b64')).toBe('ab+cd/=')
    expect(f.first('twice')).toBe('%2B')
  })

  it('tolerates literal spaces and "!" as in Sectigo sample, and a trailing & or newline', () => {
    expect(fields('errorCode=-17&errorMessage=Request used GET rather than POST!&\n').first('errorMessage')).toBe('Request used GET rather than POST!')
  })

  it('reads UTF-8 escapes, and Latin-1 ones when they are not UTF-8', () => {
    expect(fields('o=M%C3%BCller').first('o')).toBe('Müller')
    expect(fields('o=M%FCller').first('o')).toBe('Müller')
  })

  it.each(['0\n3040824', 'errorCode', '=x', 'a=%zz', 'a=%4', 'a=1&b'])('refuses %j', (text) => {
    expect(decodeForm(text).ok).toBe(false)
  })

  it('round-trips any pairs (fast-check)', () => {
    const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !/[\r\n]/.test(k))
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.string({ maxLength: 40 })), { maxLength: 10 }), (pairs) => {
        const f = fields(encodeForm(pairs))
        expect(f.entries()).toEqual(pairs)
      }),
    )
  })
})
