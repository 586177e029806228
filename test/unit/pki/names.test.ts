import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../src-main/core/errors'
import { formatIp, normalizeIp, reservedIpReason } from '../../../src-main/core/pki/ip-address'
import { isInternalName, isIpAddress, isValidDnsName } from '../../../src-main/core/pki/names'
import { ensureCnInSans, parseSanList, validateSubject } from '../../../src-main/core/pki/subject'

describe('isValidDnsName', () => {
  it.each([
    'example.com',
    'www.example.com',
    'a-b.example.co.uk',
    'xn--mnchen-3ya.de',
    'EXAMPLE.COM',
    'example.com.',
    '1.example.com',
    `${'a'.repeat(63)}.example.com`,
    [...Array<string>(4)].map(() => 'a'.repeat(61)).join('.') + '.de',
  ])('accepts %s', (name) => {
    expect(isValidDnsName(name)).toBe(true)
  })

  it.each([
    '',
    '.',
    'exa mple.com',
    '-example.com',
    'example-.com',
    'ex_ample.com',
    'a..example.com',
    '.example.com',
    `${'a'.repeat(64)}.example.com`,
    [...Array<string>(5)].map(() => 'a'.repeat(60)).join('.'),
    'münchen.de',
    'ab--cd.example.com',
    '1.2.3.999',
    'example.123',
    '*.example.com',
    'https://example.com',
  ])('refuses %j', (name) => {
    expect(isValidDnsName(name)).toBe(false)
  })

  it('allows a wildcard only as the whole left-most label, when asked', () => {
    expect(isValidDnsName('*.example.com', { allowWildcard: true })).toBe(true)
    for (const bad of ['*.*.example.com', 'a.*.example.com', '*x.example.com', 'x*.example.com', '*', '*.']) {
      expect(isValidDnsName(bad, { allowWildcard: true })).toBe(false)
    }
  })
})

describe('isIpAddress', () => {
  it.each([
    ['192.0.2.1', 4],
    ['255.255.255.255', 4],
    ['::1', 6],
    ['2001:db8::1', 6],
    ['::ffff:192.0.2.1', 6],
    ['2001:DB8:0:0:0:0:0:1', 6],
    ['192.0.2', 0],
    ['01.2.3.4', 0],
    ['256.1.1.1', 0],
    ['fe80::1%eth0', 0],
    ['example.com', 0],
    ['', 0],
  ] as const)('%s is %d', (s, v) => {
    expect(isIpAddress(s)).toBe(v)
  })

  it('normalises IPv6 text to RFC 5952 form, agreeing with the WHATWG URL parser', () => {
    for (const ip of [
      '2001:DB8:0:0:0:0:0:1',
      '2001:db8:0:0:1:0:0:1',
      '0:0:0:0:0:0:0:0',
      '1:0:0:2:0:0:0:3',
      '::ffff:192.0.2.1',
      'fe80:0:0:0:0:0:0:1',
      '1:2:3:4:5:6:7:8',
      '1:0:2:3:4:5:6:7',
    ]) {
      expect(normalizeIp(ip)).toBe(new URL(`http://[${ip}]/`).hostname.slice(1, -1))
    }
    expect(formatIp(Buffer.from([1, 2, 3]))).toBeNull()
  })
})

describe('isInternalName', () => {
  it.each([
    'localhost',
    'LOCALHOST.',
    'server',
    'printer.local',
    'db.internal',
    'nas.lan',
    'router.home.arpa',
    'app.localhost',
    'box.localdomain',
    'x.corp',
    'a.test',
    '*.local',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '127.0.0.1',
    '169.254.10.10',
    '100.64.0.1',
    '0.0.0.0',
    '192.0.2.1',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    'ff02::1',
    '2001:db8::1',
    '::ffff:10.0.0.1',
  ])('%s is internal', (name) => {
    expect(isInternalName(name)).toBe(true)
  })

  it.each([
    'example.com',
    'www.example.co.uk',
    '*.example.com',
    'local.example.com',
    'internal-tools.example.com',
    '8.8.8.8',
    '172.32.0.1',
    '172.15.255.255',
    '1.1.1.1',
    '2606:4700:4700::1111',
    '2a00:1450::1',
  ])('%s is public', (name) => {
    expect(isInternalName(name)).toBe(false)
  })

  it('says why an address is reserved', () => {
    expect(reservedIpReason('10.0.0.1')).toBe('private (RFC 1918)')
    expect(reservedIpReason('fd12::1')).toBe('unique local (private)')
    expect(reservedIpReason('8.8.4.4')).toBeNull()
  })
})

describe('parseSanList', () => {
  it('types, normalises, de-duplicates and keeps the order of the entries', () => {
    expect(
      parseSanList([
        'WWW.Example.com.',
        ' 192.0.2.1 ',
        '2001:DB8::0:1',
        '',
        '*.Example.com',
        'DNS:api.example.com',
        'IP Address:10.0.0.1',
        'www.example.com',
        'admin@Example.COM',
        'münchen.de',
      ]),
    ).toEqual([
      { type: 'dns', value: 'www.example.com' },
      { type: 'ip', value: '192.0.2.1' },
      { type: 'ip', value: '2001:db8::1' },
      { type: 'dns', value: '*.example.com' },
      { type: 'dns', value: 'api.example.com' },
      { type: 'ip', value: '10.0.0.1' },
      { type: 'email', value: 'admin@example.com' },
      { type: 'dns', value: 'xn--mnchen-3ya.de' },
    ])
  })

  it.each([
    ['bad name.example.com', 1, /not a valid host name/],
    ['*.*.example.com', 1, /wildcard/],
    ['a_b.example.com', 1, /underscore/],
    ['https://example.com/', 1, /URL/],
    ['999.1.1.1', 1, /neither an IP address nor a host name/],
    ['IP:example.com', 1, /not a valid IPv4 or IPv6 address/],
    ['a@b@c', 1, /not a valid email address/],
  ] as const)('refuses %j naming the entry', (bad, index, reason) => {
    let error: unknown
    try {
      parseSanList(['ok.example.com', bad])
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(CoreError)
    const e = error as CoreError
    expect(e.code).toBe('invalid_input')
    expect(e.message).toContain(`"${bad}"`)
    expect(e.message).toMatch(reason)
    expect(e.detail).toEqual({ field: `sans[${index}]` })
  })
})

describe('ensureCnInSans', () => {
  it('adds a host-name or IP CN that is missing, first', () => {
    expect(ensureCnInSans({ cn: 'Example.com' }, [{ type: 'dns', value: 'www.example.com' }])).toEqual([
      { type: 'dns', value: 'example.com' },
      { type: 'dns', value: 'www.example.com' },
    ])
    expect(ensureCnInSans({ cn: '2001:DB8::1' }, [])).toEqual([{ type: 'ip', value: '2001:db8::1' }])
  })

  it('leaves the list alone when the CN is already there, absent, or not a host name', () => {
    const sans = [{ type: 'dns' as const, value: 'example.com' }]
    expect(ensureCnInSans({ cn: 'EXAMPLE.com.' }, sans)).toEqual(sans)
    expect(ensureCnInSans({}, sans)).toEqual(sans)
    expect(ensureCnInSans({ cn: 'Example Corp Web Server' }, sans)).toEqual(sans)
  })
})

describe('validateSubject', () => {
  it('trims, drops empty fields and upper-cases the country', () => {
    expect(validateSubject({ cn: ' example.com ', o: '', c: 'de', l: 'Köln' })).toEqual({
      cn: 'example.com',
      c: 'DE',
      l: 'Köln',
    })
  })

  it('counts characters, not bytes, against the RFC 5280 limits', () => {
    expect(validateSubject({ o: '東'.repeat(64) }).o).toHaveLength(64)
    expect(() => validateSubject({ o: '東'.repeat(65) })).toThrow(/at most 64/)
    expect(() => validateSubject({ st: 's'.repeat(129) })).toThrow(/at most 128/)
    expect(validateSubject({ email: `${'a'.repeat(243)}@example.com` }).email).toHaveLength(255)
    expect(() => validateSubject({ email: `${'a'.repeat(244)}@example.com` })).toThrow(/at most 255/)
  })

  it('refuses a country that is not an ISO 3166 code, with a hint for UK', () => {
    expect(() => validateSubject({ c: 'XY' })).toThrow(/not an ISO 3166/)
    expect(() => validateSubject({ c: 'UK' })).toThrow(/GB/)
    expect(() => validateSubject({ c: 'D' })).toThrow(CoreError)
  })
})
