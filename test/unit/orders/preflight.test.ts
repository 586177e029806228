import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { preflight, productCatalog, type CsrFacts, type DomainChoice } from '../../../src-main/core/orders/preflight'
import { decodeCsr } from '../../../src-main/core/pki/csr-decode'
import { lintCsr } from '../../../src-main/core/pki/lint'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()

function facts(cn: string, sans: string[] = [], subject: Partial<CsrFacts['subject']> = {}): CsrFacts {
  return {
    subject: { cn, o: null, c: null, st: null, l: null, ...subject },
    sans: [cn, ...sans].filter((n, i, a) => a.indexOf(n) === i).map((v) => ({ type: /^[\d.]+$/.test(v) ? ('ip' as const) : ('dns' as const), value: v })),
  }
}

function codes(productCode: number, csr: CsrFacts, domains: DomainChoice[], extra: { days?: number; organization?: Record<string, string> } = {}): string[] {
  return preflight({ productCode, days: extra.days ?? 90, csr, csrLint: [], domains, organization: extra.organization ?? null })
    .filter((f) => f.severity === 'error')
    .map((f) => f.code)
}

const cname = (domain: string): DomainChoice => ({ domain, method: 'CNAME_CSR_HASH' })

describe('the product-aware preflight', () => {
  it('passes a plain DV order', () => {
    expect(codes(287, facts('www.example.com'), [cname('www.example.com')])).toEqual([])
  })

  it('wants a wildcard CN on a wildcard product, and refuses one on a single-name product', () => {
    expect(codes(289, facts('www.example.com'), [cname('www.example.com')])).toContain('wildcard-cn')
    expect(codes(287, facts('*.example.com'), [cname('*.example.com')])).toContain('wildcard-cn')
    expect(codes(289, facts('*.example.com'), [cname('*.example.com')])).toEqual([])
  })

  it('counts names against the product', () => {
    expect(codes(287, facts('a.example.com', ['b.example.com']), [cname('a.example.com'), cname('b.example.com')])).toContain('names-product')
    const many = Array.from({ length: 251 }, (_, i) => `n${i}.example.com`)
    expect(codes(279, facts('n0.example.com', many), many.map(cname))).toContain('names-product')
    const four = preflight({ productCode: 279, days: 90, csr: facts('a.example.com', ['b.example.com', 'c.example.com', 'd.example.com']), csrLint: [], domains: ['a', 'b', 'c', 'd'].map((x) => cname(`${x}.example.com`)), organization: null })
    expect(four.find((f) => f.code === 'extra-names-cost')?.severity).toBe('warning')
  })

  it('allows IP addresses only with file validation, never on EV, and never validates wildcards by file', () => {
    expect(codes(279, facts('a.example.com', ['192.0.2.10']), [cname('a.example.com'), cname('192.0.2.10')])).toContain('ip-needs-file-dcv')
    expect(codes(279, facts('a.example.com', ['192.0.2.10']), [cname('a.example.com'), { domain: '192.0.2.10', method: 'HTTP_CSR_HASH' }])).toEqual([])
    expect(codes(557, facts('a.example.com', ['192.0.2.10']), [cname('a.example.com'), { domain: '192.0.2.10', method: 'HTTP_CSR_HASH' }], { organization: { organizationName: 'X', countryName: 'US' } })).toContain('names-product')
    expect(codes(289, facts('*.example.com'), [{ domain: '*.example.com', method: 'HTTP_CSR_HASH' }])).toContain('wildcard-no-file-dcv')
  })

  it('refuses a multi-domain order whose CSR has names the order does not list (Sectigo -162)', () => {
    expect(codes(279, facts('a.example.com', ['b.example.com']), [cname('a.example.com')])).toContain('csr-names-not-ordered')
  })

  it('checks the ordered name of a single-name product against the CSR', () => {
    expect(codes(287, facts('www.example.com'), [cname('shop.example.com')])).toContain('domain-not-csr-cn')
  })

  it('needs an approver address for EMAIL and warns when it is not one', () => {
    expect(codes(287, facts('www.example.com'), [{ domain: 'www.example.com', method: 'EMAIL' }])).toContain('email-needs-address')
    const f = preflight({ productCode: 287, days: 90, csr: facts('www.example.com'), csrLint: [], domains: [{ domain: 'www.example.com', method: 'EMAIL', email: 'me@gmail.com' }], organization: null })
    expect(f.find((x) => x.code === 'email-not-approver')?.severity).toBe('warning')
    expect(codes(287, facts('www.example.com'), [{ domain: 'www.example.com', method: 'EMAIL', email: 'admin@example.com' }])).toEqual([])
  })

  it('wants the organisation (name and a real country) for OV and EV', () => {
    expect(codes(7, facts('ov.example.com'), [cname('ov.example.com')])).toEqual(expect.arrayContaining(['organization-missing', 'country-missing']) as unknown)
    expect(codes(7, facts('ov.example.com'), [cname('ov.example.com')], { organization: { organizationName: 'X', countryName: 'XX' } })).toContain('country-invalid')
    expect(codes(7, facts('ov.example.com', [], { o: 'X GmbH', c: 'DE' }), [cname('ov.example.com')])).toEqual([])
  })

  it('checks validity days and unknown products', () => {
    expect(codes(287, facts('www.example.com'), [cname('www.example.com')], { days: 399 })).toContain('days-range')
    expect(codes(291, facts('www.example.com'), [cname('www.example.com')], { days: 90 })).toContain('days-fixed')
    expect(codes(9999, facts('www.example.com'), [cname('www.example.com')])).toContain('product-unknown')
  })

  it('blocks keys below the minimums (a real RSA-1024 CSR made by openssl)', async () => {
    const dir = tempDir()
    execFileSync('openssl', ['req', '-new', '-nodes', '-newkey', 'rsa:1024', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.der'), '-outform', 'DER', '-subj', '/CN=weak.example.com'], { stdio: 'pipe' })
    const csr = await decodeCsr(readFileSync(join(dir, 'c.der')))
    const f = preflight({ productCode: 287, days: 90, csr, csrLint: lintCsr(csr), domains: [cname('weak.example.com')], organization: null })
    expect(f.filter((x) => x.severity === 'error').map((x) => x.code)).toContain('csr-rsa-too-small')
  })

  it('describes every product with its rules for the order form', () => {
    const catalog = productCatalog()
    expect(catalog.find((p) => p.code === 289)).toMatchObject({ kind: 'wildcard', dcvMethods: ['EMAIL', 'CNAME_CSR_HASH'], allowsIp: false })
    expect(catalog.find((p) => p.code === 7)).toMatchObject({ validation: 'OV', needsOrganization: true })
    expect(catalog.find((p) => p.code === 279)?.sans).toEqual({ included: 3, max: 250 })
  })
})
