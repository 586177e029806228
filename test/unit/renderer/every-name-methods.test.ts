import { describe, expect, it } from 'vitest'
import { everyNameMethods, type ProductInfo } from '../../../src-renderer/components/order-format'

const NAMES = ['shop.example.com', '*.shop.example.com', '192.0.2.10']

describe('the methods offered for every name', () => {
  it('never applies a file method to a wildcard name, nor DNS or email to an IP address, and says which it leaves alone', () => {
    const byMethod = Object.fromEntries(everyNameMethods(NAMES, null).map((o) => [o.method, o]))
    expect(byMethod.HTTP_CSR_HASH).toEqual({ method: 'HTTP_CSR_HASH', apply: ['shop.example.com', '192.0.2.10'], keep: ['*.shop.example.com'], except: 'wildcards' })
    expect(byMethod.HTTPS_CSR_HASH?.keep).toEqual(['*.shop.example.com'])
    expect(byMethod.CNAME_CSR_HASH).toEqual({ method: 'CNAME_CSR_HASH', apply: ['shop.example.com', '*.shop.example.com'], keep: ['192.0.2.10'], except: 'IP addresses' })
    expect(byMethod.EMAIL?.except).toBe('IP addresses')
  })

  it('offers a method only when some name can use it, and names no exception when every name can', () => {
    expect(everyNameMethods(['*.a.example.com', '*.b.example.com'], null).map((o) => o.method)).toEqual(['CNAME_CSR_HASH', 'EMAIL'])
    const wildcardProduct = { dcvMethods: ['EMAIL', 'CNAME_CSR_HASH'] } as unknown as ProductInfo
    expect(everyNameMethods(['a.example.com', 'b.example.com'], wildcardProduct).map((o) => [o.method, o.except])).toEqual([
      ['CNAME_CSR_HASH', null],
      ['EMAIL', null],
    ])
  })
})
