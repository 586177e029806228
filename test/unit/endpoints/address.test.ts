import { describe, expect, it } from 'vitest'
import { endpointLabel, normaliseAddress, parseEndpointText, protocolForPort } from '../../../src-main/core/endpoints/address'

describe('endpoint addresses', () => {
  it('reads host, host:port, [v6]:port, a bare IPv6 address and URLs as people type them', () => {
    expect(parseEndpointText('www.example.com')).toEqual({ host: 'www.example.com' })
    expect(parseEndpointText(' mail.example.com:587 ')).toEqual({ host: 'mail.example.com', port: 587 })
    expect(parseEndpointText('[2001:db8::1]:993')).toEqual({ host: '2001:db8::1', port: 993 })
    expect(parseEndpointText('2001:db8::1')).toEqual({ host: '2001:db8::1' })
    expect(parseEndpointText('https://shop.example.com:8443/login?x=1')).toEqual({ host: 'shop.example.com', port: 8443 })
    expect(parseEndpointText('imaps://mail.example.com')).toEqual({ host: 'mail.example.com', port: 993 })
    expect(parseEndpointText('smtp://mail.example.com')).toEqual({ host: 'mail.example.com', port: 25 })
  })

  it('uses STARTTLS where the port implies it, TLS elsewhere', () => {
    expect([25, 587, 143, 110, 443, 465, 993, 995, 8443].map(protocolForPort)).toEqual(['smtp', 'smtp', 'imap', 'pop3', 'tls', 'tls', 'tls', 'tls', 'tls'])
    expect(normaliseAddress({ host: 'Mail.Example.COM.', port: 587 })).toEqual({ host: 'mail.example.com', port: 587, sni: null, protocol: 'smtp' })
    expect(normaliseAddress({ host: 'mail.example.com', port: 587, protocol: 'tls' }).protocol).toBe('tls')
  })

  it('keeps an SNI name only when it differs from the host, never an IP address', () => {
    expect(normaliseAddress({ host: '127.0.0.1', sni: 'WWW.example.com' })).toEqual({ host: '127.0.0.1', port: 443, sni: 'www.example.com', protocol: 'tls' })
    expect(normaliseAddress({ host: 'www.example.com', sni: 'www.example.com' }).sni).toBeNull()
    expect(() => normaliseAddress({ host: 'www.example.com', sni: '10.0.0.1' })).toThrow(/must be a DNS name/)
  })

  it('refuses wildcards, junk and ports out of range with a message that says what to give', () => {
    expect(() => normaliseAddress({ host: '*.example.com' })).toThrow('The host "*.example.com" is a wildcard; give the name of one server (e.g. www.example.com).')
    expect(() => normaliseAddress({ host: 'not a host' })).toThrow('The host "not a host" is not a host name or IP address.')
    expect(() => normaliseAddress({ host: 'a.example.com', port: 70000 })).toThrow('The port 70000 is not between 1 and 65535.')
  })

  it('labels endpoints the way messages name them', () => {
    expect(endpointLabel({ host: '2001:db8::1', port: 993, sni: null, protocol: 'tls' })).toBe('[2001:db8::1]:993')
    expect(endpointLabel({ host: '127.0.0.1', port: 587, sni: 'mail.example.com', protocol: 'smtp' })).toBe('127.0.0.1:587 (mail.example.com) SMTP STARTTLS')
  })
})
