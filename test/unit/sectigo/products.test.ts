import { describe, expect, it } from 'vitest'
import { checkNamesForProduct, findProduct, PRODUCTS, SERVER_SOFTWARE } from '../../../src-main/core/sectigo/products'

describe('product catalog', () => {
  it('has unique codes and the reference §5.1 table', () => {
    expect(new Set(PRODUCTS.map((p) => p.code)).size).toBe(PRODUCTS.length)
    expect(findProduct(287)).toMatchObject({ brand: 'PositiveSSL', validation: 'DV', kind: 'single' })
    expect(findProduct(289)).toMatchObject({ kind: 'wildcard', allowsIp: false })
    expect(findProduct(279)).toMatchObject({ kind: 'multi_domain', sans: { included: 3, max: 250 }, allowsIp: true })
    expect(findProduct(557)).toMatchObject({ validation: 'EV', kind: 'multi_domain', allowsIp: false })
    expect(findProduct(361)).toMatchObject({ validation: 'OV', ucc: true })
    expect(findProduct(291)?.fixedDays).toBe(30)
    expect(findProduct(12345)).toBeUndefined()
  })

  it('never lets an EV product carry an IP address', () => {
    for (const p of PRODUCTS.filter((x) => x.validation === 'EV')) expect(p.allowsIp).toBe(false)
  })

  it('checks names against a product', () => {
    const dv = findProduct(287)
    const wild = findProduct(289)
    const mdc = findProduct(279)
    const ev = findProduct(556)
    if (!dv || !wild || !mdc || !ev) throw new Error('catalog incomplete')
    expect(checkNamesForProduct(dv, ['www.example.com'])).toBeNull()
    expect(checkNamesForProduct(dv, ['a.example.com', 'b.example.com'])).toMatch(/multi-domain/)
    expect(checkNamesForProduct(dv, ['*.example.com'])).toMatch(/wildcard product/)
    expect(checkNamesForProduct(wild, ['www.example.com'])).toMatch(/needs a wildcard/)
    expect(checkNamesForProduct(mdc, Array.from({ length: 251 }, (_, i) => `h${i}.example.com`))).toMatch(/at most 250/)
    expect(checkNamesForProduct(mdc, ['example.com', '203.0.113.7'])).toBeNull()
    expect(checkNamesForProduct(ev, ['203.0.113.7'])).toMatch(/IP addresses/)
  })

  it('lists server software codes with -1 Other', () => {
    expect(SERVER_SOFTWARE[0]).toEqual({ code: -1, name: 'Other' })
    expect(SERVER_SOFTWARE.find((s) => s.code === 36)?.name).toBe('nginx')
    expect(new Set(SERVER_SOFTWARE.map((s) => s.code)).size).toBe(SERVER_SOFTWARE.length)
  })
})
