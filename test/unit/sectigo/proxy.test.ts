import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../src-main/core/errors'
import { bypassesProxy, isLoopbackHost, parseProxyUrl, proxyFromEnv, usesProxy, type Env, type ProxyConfig } from '../../../src-main/core/sectigo/proxy'
import { SectigoTransport } from '../../../src-main/core/sectigo/transport'

const SECRET = 'Pr0xy-S3cret'

describe('proxyFromEnv', () => {
  const cases: Array<[string, Env, ProxyConfig | null]> = [
    ['nothing set', {}, null],
    ['empty values count as unset', { HTTPS_PROXY: '', https_proxy: '  ', NO_PROXY: 'a.example' }, null],
    ['HTTPS_PROXY', { HTTPS_PROXY: 'http://proxy.corp:8080' }, { url: 'http://proxy.corp:8080', noProxy: [], source: 'HTTPS_PROXY' }],
    ['https_proxy', { https_proxy: 'http://proxy.corp:8080' }, { url: 'http://proxy.corp:8080', noProxy: [], source: 'https_proxy' }],
    ['HTTPS_PROXY before https_proxy', { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' }, { url: 'http://upper:1', noProxy: [], source: 'HTTPS_PROXY' }],
    ['HTTP_PROXY as a fallback', { HTTP_PROXY: 'http://plain:3128' }, { url: 'http://plain:3128', noProxy: [], source: 'HTTP_PROXY' }],
    ['http_proxy as a fallback', { http_proxy: 'http://plain:3128' }, { url: 'http://plain:3128', noProxy: [], source: 'http_proxy' }],
    ['https wins over http', { HTTP_PROXY: 'http://plain:3128', https_proxy: 'https://tls:443' }, { url: 'https://tls:443', noProxy: [], source: 'https_proxy' }],
    ['no scheme means http://, as in curl', { HTTPS_PROXY: 'proxy.corp:8080' }, { url: 'http://proxy.corp:8080', noProxy: [], source: 'HTTPS_PROXY' }],
    ['credentials are kept for the agent', { HTTPS_PROXY: `http://me:${SECRET}@p:1` }, { url: `http://me:${SECRET}@p:1`, noProxy: [], source: 'HTTPS_PROXY' }],
    [
      'NO_PROXY split on commas and spaces',
      { HTTPS_PROXY: 'http://p:1', NO_PROXY: ' a.example, .b.example  *.c.example,,d:8443 ' },
      { url: 'http://p:1', noProxy: ['a.example', '.b.example', '*.c.example', 'd:8443'], source: 'HTTPS_PROXY' },
    ],
    ['no_proxy', { HTTPS_PROXY: 'http://p:1', no_proxy: 'internal' }, { url: 'http://p:1', noProxy: ['internal'], source: 'HTTPS_PROXY' }],
    ['NO_PROXY before no_proxy', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'upper', no_proxy: 'lower' }, { url: 'http://p:1', noProxy: ['upper'], source: 'HTTPS_PROXY' }],
    ['NO_PROXY alone is no proxy', { NO_PROXY: '*' }, null],
  ]
  it.each(cases)('%s', (_name, env, expected) => {
    expect(proxyFromEnv(env)).toEqual(expected)
  })
})

describe('parseProxyUrl', () => {
  it('splits the credentials off the address and encodes them for Proxy-Authorization', () => {
    const p = parseProxyUrl(`http://corp%5Cme:${encodeURIComponent(`${SECRET}@/:`)}@proxy.corp:8080/`, 'HTTPS_PROXY')
    expect(p).toEqual({
      origin: 'http://proxy.corp:8080',
      host: 'proxy.corp:8080',
      authorization: `Basic ${Buffer.from(`corp\\me:${SECRET}@/:`).toString('base64')}`,
      password: `${SECRET}@/:`,
      source: 'HTTPS_PROXY',
    })
  })

  it('fills in the default port and has no credentials when none are given', () => {
    expect(parseProxyUrl('https://proxy.corp')).toMatchObject({ origin: 'https://proxy.corp:443', host: 'proxy.corp:443', authorization: null, password: null, source: null })
    expect(parseProxyUrl('http://[::1]')).toMatchObject({ host: '[::1]:80' })
  })

  const invalid: Array<[string, RegExp]> = [
    [`not a url ${SECRET}`, /not a valid URL/],
    [`socks5://me:${SECRET}@proxy:1080`, /http:\/\/ or https:\/\/.*socks5/],
    [`ftp://proxy:21`, /http:\/\/ or https:\/\//],
    [`http://me:${SECRET}@proxy:8080/path`, /without a path, query or fragment/],
    [`http://me:${SECRET}@proxy:8080/?q=1`, /without a path, query or fragment/],
    [`http://me:${SECRET}%ZZ@proxy:8080`, /broken %-escape/],
  ]
  it.each(invalid)('refuses %s with invalid_input, without echoing it', (raw, message) => {
    let caught: unknown
    try {
      parseProxyUrl(raw, 'HTTPS_PROXY')
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(CoreError)
    expect((caught as CoreError).code).toBe('invalid_input')
    expect((caught as CoreError).message).toMatch(message)
    expect((caught as CoreError).message).toContain('HTTPS_PROXY')
    expect((caught as CoreError).message).not.toContain(SECRET)
  })
})

describe('which hosts go through the proxy', () => {
  const proxy = (noProxy: string[]): ProxyConfig => ({ url: 'http://proxy.corp:8080', noProxy })
  const cases: Array<[string, string[], boolean]> = [
    ['https://secure.trust-provider.com', [], true],
    ['https://secure.trust-provider.com', ['secure.trust-provider.com'], false],
    ['https://secure.trust-provider.com', ['SECURE.Trust-Provider.com'], false],
    ['https://secure.trust-provider.com', ['trust-provider.com'], false],
    ['https://secure.trust-provider.com', ['.trust-provider.com'], false],
    ['https://secure.trust-provider.com', ['*.trust-provider.com'], false],
    ['https://trust-provider.com', ['.trust-provider.com'], false],
    ['https://secure.trust-provider.com', ['provider.com'], true],
    ['https://secure.trust-provider.com', ['rust-provider.com'], true],
    ['https://secure.trust-provider.com', ['secure.trust-provider.com:443'], false],
    ['https://secure.trust-provider.com', ['secure.trust-provider.com:8443'], true],
    ['https://secure.trust-provider.com:8443', ['secure.trust-provider.com:8443'], false],
    ['https://secure.trust-provider.com', ['*'], false],
    ['https://secure.trust-provider.com', ['other.example', '*'], false],
    ['https://secure.trust-provider.com.', ['secure.trust-provider.com'], false],
    ['https://10.1.2.3', ['10.1.2.3'], false],
    ['https://10.1.2.3', ['10.1.2.4'], true],
    ['https://[2001:db8::1]', ['2001:db8::1'], false],
    ['https://[2001:db8::1]', ['[2001:db8::1]:443'], false],
    ['https://[2001:db8::1]', ['[2001:db8::1]:8443'], true],
  ]
  it.each(cases)('%s with NO_PROXY %j: proxied %s', (url, noProxy, proxied) => {
    expect(usesProxy(new URL(url), proxy(noProxy))).toBe(proxied)
    expect(bypassesProxy(new URL(url), noProxy)).toBe(!proxied)
  })

  const loopback = ['http://localhost:8080', 'https://LOCALHOST', 'http://sandbox.localhost:1', 'http://127.0.0.1:9', 'http://127.10.20.30', 'http://[::1]:8443']
  it.each(loopback)('keeps loopback %s direct unless the test-only flag lifts the rule', (url) => {
    expect(isLoopbackHost(new URL(url).hostname)).toBe(true)
    expect(usesProxy(new URL(url), proxy([]))).toBe(false)
    expect(usesProxy(new URL(url), proxy([]), { proxyLoopback: true })).toBe(true)
    expect(usesProxy(new URL(url), proxy(['*']), { proxyLoopback: true })).toBe(false)
  })

  it.each(['https://128.0.0.1', 'https://localhost.example.com', 'https://[::2]', 'https://10.0.0.1'])('does not treat %s as loopback', (url) => {
    expect(isLoopbackHost(new URL(url).hostname)).toBe(false)
  })
})

describe('the transport with a proxy', () => {
  it('goes through a proxy for a remote host and says which one, without credentials', async () => {
    const t = new SectigoTransport({ baseUrl: 'https://sectigo.example', proxy: { url: `http://me:${SECRET}@proxy.corp:8080`, noProxy: [] } })
    expect(t.proxy).toMatchObject({ origin: 'http://proxy.corp:8080', host: 'proxy.corp:8080' })
    expect(JSON.stringify({ origin: t.proxy?.origin, host: t.proxy?.host })).not.toContain(SECRET)
    await t.close()
  })

  it('goes direct for loopback and NO_PROXY hosts', async () => {
    const sandbox = new SectigoTransport({ baseUrl: 'http://127.0.0.1:9', proxy: { url: 'http://proxy.corp:8080', noProxy: [] } })
    const exempt = new SectigoTransport({ baseUrl: 'https://sectigo.example', proxy: { url: 'http://proxy.corp:8080', noProxy: ['.example'] } })
    expect([sandbox.proxy, exempt.proxy]).toEqual([null, null])
    await Promise.all([sandbox.close(), exempt.close()])
  })

  it('refuses a bad proxy address with invalid_input when it would be used', () => {
    expect(() => new SectigoTransport({ baseUrl: 'https://sectigo.example', proxy: { url: `socks5://me:${SECRET}@p:1`, noProxy: [], source: 'HTTPS_PROXY' } })).toThrow(
      expect.objectContaining({ code: 'invalid_input', message: expect.not.stringContaining(SECRET) as unknown }),
    )
  })

  it('refuses a proxy together with a supplied fetch or dispatcher', () => {
    const fetch = (): Promise<never> => Promise.reject(new Error('unused'))
    expect(() => new SectigoTransport({ fetch, proxy: { url: 'http://p:1', noProxy: [] } })).toThrow(/A proxy only applies to the built-in HTTP agent/)
  })
})
