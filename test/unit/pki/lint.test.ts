import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeCsr, readCsrInput, type DecodedCsr } from '../../../src-main/core/pki/csr-decode'
import { KEY_TYPES, type KeyType } from '../../../src-main/core/pki/keys'
import {
  LINT_RULES,
  MAX_RSA_BITS,
  MAX_SANS,
  lintCsr,
  lintDraft,
  type LintFinding,
  type LintRuleId,
} from '../../../src-main/core/pki/lint'
import type { SubjectInput } from '../../../src-main/core/pki/subject'
import { makeTempDir, openssl } from './openssl'

function draft(subject: SubjectInput, sans: string[], keyType: KeyType = 'ec-p256'): LintFinding[] {
  return lintDraft({ keyType, subject, sans })
}

function ids(findings: LintFinding[]): LintRuleId[] {
  return findings.map((f) => f.id)
}

function only(findings: LintFinding[], id: LintRuleId): LintFinding[] {
  return findings.filter((f) => f.id === id)
}

const CLEAN_SUBJECT: SubjectInput = { cn: 'example.com', o: 'Example GmbH', l: 'Köln', st: 'NRW', c: 'DE' }
const CLEAN_SANS = ['example.com', 'www.example.com']

describe('lintDraft', () => {
  it('finds nothing in a clean draft for any key type', () => {
    for (const keyType of KEY_TYPES) expect(draft(CLEAN_SUBJECT, CLEAN_SANS, keyType)).toEqual([])
  })

  it('gives every finding the severity of its rule and a sentence that ends with a full stop', () => {
    const findings = draft({ cn: '10.0.0.1', c: 'UK', email: 'a@example.com', o: 'x'.repeat(70) }, [
      '*.*.example.com',
      'localhost',
      'a.example.com',
      'a.example.com',
      '*.com',
      'bad name',
    ])
    expect(findings.length).toBeGreaterThan(6)
    for (const f of findings) {
      expect(f.severity).toBe(LINT_RULES[f.id])
      expect(f.message).toMatch(/^[A-Z"*].*\.$/)
    }
    const order = findings.map((f) => ['error', 'warning', 'info'].indexOf(f.severity))
    expect(order).toEqual([...order].sort((a, b) => a - b))
  })

  describe('cn-missing-and-no-san', () => {
    it('fires when there is neither a CN nor a SAN', () => {
      expect(ids(draft({ o: 'Example' }, ['', '  ']))).toEqual(['cn-missing-and-no-san'])
    })
    it('does not fire when a SAN is given without a CN', () => {
      expect(draft({}, ['a.example.com'])).toEqual([])
    })
  })

  describe('no-san', () => {
    it('warns when only a CN is given, saying it will be added', () => {
      const [f] = only(draft({ cn: 'example.com' }, []), 'no-san')
      expect(f).toMatchObject({ severity: 'warning', field: 'sans' })
      expect(f?.message).toContain('example.com will be added')
    })
    it('asks for SANs when the CN is not a host name', () => {
      expect(only(draft({ cn: 'Example Web Server' }, []), 'no-san')[0]?.message).toContain(
        'add the domain names as SANs',
      )
    })
    it('does not fire when there are SANs', () => {
      expect(only(draft({ cn: 'example.com' }, ['example.com']), 'no-san')).toEqual([])
    })
  })

  describe('a common name with its own error is never offered as a SAN', () => {
    it('says nothing of adding a wildcard-on-a-public-suffix CN when SANs are missing or do not list it', () => {
      const none = draft({ cn: '*.co.uk' }, [])
      expect(ids(none)).toContain('wildcard-on-public-suffix-like')
      expect(only(none, 'no-san')[0]?.message).toContain('add the domain names as SANs')
      expect(only(none, 'no-san')[0]?.message).not.toContain('will be added')
      const other = draft({ cn: '*.co.uk' }, ['example.com'])
      expect(ids(other)).toContain('wildcard-on-public-suffix-like')
      expect(only(other, 'cn-not-in-sans')).toEqual([])
    })
    it('still offers to add a sound CN', () => {
      expect(only(draft({ cn: 'example.com' }, []), 'no-san')[0]?.message).toContain('will be added')
    })
  })

  describe('cn-not-in-sans', () => {
    it('warns on the CN field when the CN is missing from the SANs', () => {
      expect(only(draft({ cn: 'example.com' }, ['www.example.com']), 'cn-not-in-sans')).toEqual([
        expect.objectContaining({
          severity: 'warning',
          field: 'cn',
          message: expect.stringContaining('it will be added') as string,
        }),
      ])
    })
    it('matches the CN case-insensitively and ignores a trailing dot', () => {
      expect(only(draft({ cn: 'Example.COM.' }, ['example.com']), 'cn-not-in-sans')).toEqual([])
    })
  })

  describe('wildcard-misplaced', () => {
    it.each(['*.*.example.com', 'a.*.example.com', '*x.example.com', 'x*.example.com'])(
      'fires for %s',
      (name) => {
        expect(only(draft({}, ['ok.example.com', name]), 'wildcard-misplaced')).toEqual([
          expect.objectContaining({ severity: 'error', field: 'sans[1]' }),
        ])
      },
    )
    it('fires for a misplaced wildcard in the CN', () => {
      expect(only(draft({ cn: 'a.*.example.com' }, ['example.com']), 'wildcard-misplaced')).toEqual([
        expect.objectContaining({ field: 'cn' }),
      ])
    })
    it('does not fire for *.example.com', () => {
      expect(draft({ cn: '*.example.com' }, ['*.example.com', 'example.com'])).toEqual([])
    })
  })

  describe('wildcard-on-public-suffix-like', () => {
    it.each(['*.com', '*.co.uk', '*.com.au', '*.de'])('fires for %s', (name) => {
      const findings = draft({}, [name])
      expect(ids(findings)).toEqual(['wildcard-on-public-suffix-like'])
      expect(findings[0]?.message).toContain(name)
    })
    it.each(['*.example.co.uk', '*.example.com', '*.shop.de'])('does not fire for %s', (name) => {
      expect(draft({}, [name])).toEqual([])
    })
  })

  describe('invalid-hostname', () => {
    it('names the bad entry and its field', () => {
      const findings = only(
        draft({}, ['good.example.com', 'bad name.example.com', 'under_score.example.com']),
        'invalid-hostname',
      )
      expect(findings.map((f) => f.field)).toEqual(['sans[1]', 'sans[2]'])
      expect(findings[0]?.message).toContain('"bad name.example.com"')
      expect(findings[1]?.message).toContain('underscore')
    })
    it('fires for a CN that is not a host name', () => {
      expect(only(draft({ cn: 'Example Web Server' }, ['example.com']), 'invalid-hostname')).toEqual([
        expect.objectContaining({ field: 'cn' }),
      ])
    })
    it('does not fire for IDN given as Unicode (converted) or as A-label', () => {
      expect(draft({}, ['münchen.de', 'xn--mnchen-3ya.de'])).toEqual([
        expect.objectContaining({ id: 'duplicate-san' }),
      ])
    })
  })

  describe('internal-name', () => {
    it.each([
      'localhost',
      'server',
      'nas.local',
      'db.internal',
      'pi.lan',
      'x.home.arpa',
      '10.0.0.1',
      '192.168.1.10',
      'fd00::1',
      '127.0.0.1',
    ])('fires for %s', (name) => {
      const [f] = only(draft({}, [name]), 'internal-name')
      expect(f).toMatchObject({ severity: 'error', field: 'sans[0]' })
      expect(f?.message).toContain('public CAs do not issue')
    })
    it('fires for an internal CN that is not among the SANs', () => {
      expect(only(draft({ cn: 'intranet' }, ['example.com']), 'internal-name')).toEqual([
        expect.objectContaining({ field: 'cn' }),
      ])
    })
    it('does not fire for public names and addresses', () => {
      expect(draft({}, ['example.com', '8.8.8.8', '2606:4700:4700::1111'])).toEqual([])
    })
  })

  describe('for an internal CA', () => {
    const PRIVATE = ['localhost', 'server', 'nas.local', 'db.internal', 'x.home.arpa', '10.0.0.1', '192.168.1.10', 'fd00::1', '127.0.0.1']
    const internal = (subject: SubjectInput, sans: string[]): LintFinding[] => lintDraft({ keyType: 'ec-p256', subject, sans, purpose: 'internal' })

    it('turns every private name and address into a warning that still says a public CA will refuse it', () => {
      const findings = internal({ cn: 'nas.local' }, PRIVATE)
      expect(findings.filter((f) => f.severity === 'error')).toEqual([])
      expect(ids(findings)).toEqual(PRIVATE.map(() => 'internal-name-private-ca'))
      expect(findings.map((f) => f.field)).toEqual(PRIVATE.map((_, i) => `sans[${i}]`))
      for (const f of findings) {
        expect(f.severity).toBe('warning')
        expect(f.message).toContain('fine for your internal CA')
        expect(f.message).toContain('no public CA (Sectigo included) will certify it')
      }
    })
    it('the same names are errors in the default (public) mode', () => {
      const findings = draft({ cn: 'nas.local' }, PRIVATE)
      expect(ids(findings)).toEqual(PRIVATE.map(() => 'internal-name'))
      expect(findings.every((f) => f.severity === 'error')).toBe(true)
    })
    it('adds a private common name to the SANs instead of calling it broken', () => {
      expect(ids(internal({ cn: 'printer.local' }, ['nas.local']))).toEqual(['internal-name-private-ca', 'cn-not-in-sans', 'internal-name-private-ca'])
      expect(ids(draft({ cn: 'printer.local' }, ['nas.local']))).toEqual(['internal-name', 'internal-name'])
    })
    it('keeps every other rule as it is', () => {
      expect(ids(internal({}, ['bad..local', '*.*.example.com', 'a_b.internal']))).toEqual(['invalid-hostname', 'wildcard-misplaced', 'invalid-hostname'])
      expect(ids(lintDraft({ keyType: 'rsa-2048', subject: {}, sans: ['nas.local'], purpose: 'internal' }))).toEqual(['internal-name-private-ca'])
    })
  })

  describe('duplicate-san', () => {
    it('warns on the repeated entry, however it is written', () => {
      expect(only(draft({}, ['a.example.com', 'b.example.com', 'A.Example.com.']), 'duplicate-san')).toEqual([
        expect.objectContaining({ severity: 'warning', field: 'sans[2]' }),
      ])
      expect(only(draft({}, ['2001:db8::1', '2001:DB8:0::1']), 'duplicate-san')).toHaveLength(1)
    })
    it('does not fire for distinct names', () => {
      expect(only(draft({}, ['a.example.com', 'b.example.com']), 'duplicate-san')).toEqual([])
    })
  })

  describe('ip-in-cn', () => {
    it('warns when the CN is an IP address', () => {
      expect(ids(draft({ cn: '8.8.8.8' }, ['8.8.8.8']))).toEqual(['ip-in-cn'])
    })
    it('does not ask for the IP SAN the request already has, and asks for it when it is missing', () => {
      const [listed] = only(draft({ cn: '8.8.8.8' }, ['8.8.8.8']), 'ip-in-cn')
      expect(listed?.message).toContain('it is already listed as an IP SAN')
      expect(listed?.message).not.toContain('list the address as an IP SAN')
      const [missing] = only(draft({ cn: '8.8.8.8' }, ['example.com']), 'ip-in-cn')
      expect(missing?.message).toContain('list the address as an IP SAN')
    })
    it('does not fire for a host-name CN', () => {
      expect(only(draft({ cn: 'example.com' }, ['example.com', '8.8.8.8']), 'ip-in-cn')).toEqual([])
    })
    it('does not ask to list a private address that it says to remove', () => {
      const findings = draft({ cn: '10.0.0.1' }, [])
      expect(only(findings, 'internal-name')[0]?.message).toContain('remove it')
      expect(only(findings, 'ip-in-cn')[0]?.message).not.toContain('list the address')
      expect(only(findings, 'no-san')[0]?.message).not.toContain('10.0.0.1 will be added')
    })
  })

  describe('subject-field-too-long', () => {
    it.each([
      ['o', 65],
      ['ou', 65],
      ['l', 129],
      ['st', 129],
      ['cn', 65],
    ] as const)('fires for %s of %d characters', (field, n) => {
      const subject = { ...CLEAN_SUBJECT, [field]: 'ä'.repeat(n) }
      expect(only(draft(subject, CLEAN_SANS), 'subject-field-too-long')).toEqual([
        expect.objectContaining({ severity: 'error', field }),
      ])
    })
    it('does not fire at the limit', () => {
      expect(
        only(
          draft({ ...CLEAN_SUBJECT, o: 'ä'.repeat(64), l: 'ä'.repeat(128) }, CLEAN_SANS),
          'subject-field-too-long',
        ),
      ).toEqual([])
    })
  })

  describe('subject-field-invalid', () => {
    it('fires for control characters and a malformed email address', () => {
      expect(
        only(
          draft({ ...CLEAN_SUBJECT, ou: 'a\tb', email: 'nobody' }, CLEAN_SANS),
          'subject-field-invalid',
        ).map((f) => f.field),
      ).toEqual(['ou', 'email'])
    })
    it('does not fire for ordinary Unicode text', () => {
      expect(
        only(
          draft({ ...CLEAN_SUBJECT, o: 'Ōkami 株式会社', ou: 'Équipe Web' }, CLEAN_SANS),
          'subject-field-invalid',
        ),
      ).toEqual([])
    })
  })

  describe('bad-country', () => {
    it.each(['UK', 'Germany', 'D', 'XX', '12'])('fires for %s', (c) => {
      expect(only(draft({ ...CLEAN_SUBJECT, c }, CLEAN_SANS), 'bad-country')).toEqual([
        expect.objectContaining({ severity: 'error', field: 'c' }),
      ])
    })
    it.each(['DE', 'gb', 'us'])('does not fire for %s', (c) => {
      expect(only(draft({ ...CLEAN_SUBJECT, c }, CLEAN_SANS), 'bad-country')).toEqual([])
    })
  })

  describe('email-in-subject', () => {
    it('notes that CAs drop the subject email', () => {
      expect(
        only(draft({ ...CLEAN_SUBJECT, email: 'admin@example.com' }, CLEAN_SANS), 'email-in-subject'),
      ).toEqual([expect.objectContaining({ severity: 'info', field: 'email' })])
    })
    it('does not fire without one', () => {
      expect(only(draft(CLEAN_SUBJECT, CLEAN_SANS), 'email-in-subject')).toEqual([])
    })
  })

  describe('too-many-sans', () => {
    const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `h${i}.example.com`)
    it(`warns above ${MAX_SANS} names`, () => {
      expect(ids(draft({}, names(MAX_SANS + 1)))).toEqual(['too-many-sans'])
    })
    it(`accepts exactly ${MAX_SANS}`, () => {
      expect(draft({}, names(MAX_SANS))).toEqual([])
    })
  })
})

describe('lintCsr on CSRs made by openssl', () => {
  const tmp = makeTempDir()
  const csrs = new Map<string, DecodedCsr>()

  async function make(name: string, keyArgs: string[], reqArgs: string[]): Promise<void> {
    const key = tmp.path(`${name}.key`)
    await openssl(['genpkey', ...keyArgs, '-out', key])
    const out = tmp.path(`${name}.csr`)
    await openssl(['req', '-new', '-key', key, '-out', out, ...reqArgs])
    csrs.set(name, await decodeCsr(readCsrInput(readFileSync(out, 'utf8'))))
  }

  function csr(name: string): DecodedCsr {
    const c = csrs.get(name)
    if (!c) throw new Error(`no CSR ${name}`)
    return c
  }

  const EC = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
  const san = (names: string): string[] => ['-subj', '/CN=example.com', '-addext', `subjectAltName=${names}`]

  beforeAll(async () => {
    await Promise.all([
      make(
        'clean-rsa',
        ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
        san('DNS:example.com,DNS:www.example.com'),
      ),
      make('rsa-1024', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'], san('DNS:example.com')),
      make(
        'clean-p384',
        ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
        [...san('DNS:example.com'), '-sha384'],
      ),
      make('p521', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'], san('DNS:example.com')),
      make(
        'secp256k1',
        ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1'],
        san('DNS:example.com'),
      ),
      make('ed25519', ['-algorithm', 'ED25519'], san('DNS:example.com')),
      make('rsa-pss', ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'], san('DNS:example.com')),
      make('sha1', EC, [...san('DNS:example.com'), '-sha1']),
      make('double-wildcard', EC, san('DNS:example.com,DNS:*.*.example.com')),
      make('localhost', EC, san('DNS:example.com,DNS:localhost')),
      make('ip-as-dns', EC, san('DNS:example.com,DNS:203.0.113.9')),
      make('duplicates', EC, san('DNS:example.com,DNS:EXAMPLE.com')),
      make('cn-elsewhere', EC, ['-subj', '/CN=example.com', '-addext', 'subjectAltName=DNS:www.example.com']),
      make('no-san', EC, ['-subj', '/CN=example.com']),
    ])
    const dsaKey = tmp.path('dsa.key')
    await openssl(['dsaparam', '-genkey', '-noout', '-out', dsaKey, '1024'])
    await openssl([
      'req',
      '-new',
      '-key',
      dsaKey,
      '-sha256',
      '-subj',
      '/CN=example.com',
      '-addext',
      'subjectAltName=DNS:example.com',
      '-out',
      tmp.path('dsa.csr'),
    ])
    csrs.set('dsa', await decodeCsr(readCsrInput(readFileSync(tmp.path('dsa.csr'), 'utf8'))))
  })
  afterAll(() => tmp.remove())

  it('finds nothing in clean RSA and P-384 CSRs', () => {
    expect(lintCsr(csr('clean-rsa'))).toEqual([])
    expect(lintCsr(csr('clean-p384'))).toEqual([])
  })

  it('signature-invalid: a tampered CSR is an error; an intact one is not', () => {
    const tampered = Buffer.from(csr('clean-rsa').der)
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0xff
    return decodeCsr(tampered).then((d) => {
      expect(only(lintCsr(d), 'signature-invalid')).toEqual([
        expect.objectContaining({ severity: 'error', field: 'signature' }),
      ])
      expect(only(lintCsr(csr('clean-rsa')), 'signature-invalid')).toEqual([])
    })
  })

  it('rsa-too-small: RSA-1024 is an error; RSA-2048 is not', () => {
    expect(ids(lintCsr(csr('rsa-1024')))).toEqual(['rsa-too-small'])
    expect(lintCsr(csr('rsa-1024'))[0]?.message).toContain('1024 bits')
  })

  it(`rsa-too-large: above ${MAX_RSA_BITS} bits is an error; ${MAX_RSA_BITS} is not`, () => {
    // Generating a >8192-bit key takes minutes, so the size is set on a decoded CSR.
    const base = csr('clean-rsa')
    const withBits = (bits: number): DecodedCsr => ({ ...base, publicKey: { ...base.publicKey, bits } })
    expect(ids(lintCsr(withBits(MAX_RSA_BITS + 8)))).toEqual(['rsa-too-large'])
    expect(lintCsr(withBits(MAX_RSA_BITS))).toEqual([])
  })

  it('curve-not-allowed: P-521 and secp256k1 are errors; P-256 and P-384 are not', () => {
    expect(ids(lintCsr(csr('p521')))).toEqual(['curve-not-allowed'])
    expect(ids(lintCsr(csr('secp256k1')))).toEqual(['curve-not-allowed'])
    expect(lintCsr(csr('p521'))[0]?.message).toContain('P-521')
    expect(only(lintCsr(csr('clean-p384')), 'curve-not-allowed')).toEqual([])
  })

  it('algorithm-not-allowed: Ed25519, DSA and RSA-PSS keys are errors; RSA and ECDSA are not', () => {
    expect(ids(lintCsr(csr('ed25519')))).toEqual(['algorithm-not-allowed'])
    expect(ids(lintCsr(csr('dsa')))).toEqual(['algorithm-not-allowed'])
    expect(ids(lintCsr(csr('rsa-pss')))).toEqual(['algorithm-not-allowed'])
    expect(only(lintCsr(csr('clean-rsa')), 'algorithm-not-allowed')).toEqual([])
  })

  it('weak-signature-hash: a SHA-1 signature is an error; SHA-256 is not', () => {
    expect(ids(lintCsr(csr('sha1')))).toEqual(['weak-signature-hash'])
    expect(only(lintCsr(csr('localhost')), 'weak-signature-hash')).toEqual([])
  })

  it('refuses *.*.example.com, localhost and an IP written as a DNS name, naming the SAN', () => {
    expect(lintCsr(csr('double-wildcard'))).toEqual([
      expect.objectContaining({ id: 'wildcard-misplaced', field: 'sans[1]' }),
    ])
    expect(lintCsr(csr('localhost'))).toEqual([
      expect.objectContaining({ id: 'internal-name', field: 'sans[1]' }),
    ])
    expect(lintCsr(csr('localhost'), 'internal')).toEqual([
      expect.objectContaining({ id: 'internal-name-private-ca', severity: 'warning', field: 'sans[1]' }),
    ])
    const [ipAsDns] = lintCsr(csr('ip-as-dns'))
    expect(ipAsDns).toMatchObject({ id: 'invalid-hostname', field: 'sans[1]' })
    expect(ipAsDns?.message).toContain('IP address SAN')
  })

  it('warns about duplicate SANs, a CN outside the SANs and a missing SAN extension, telling the user to make a new CSR', () => {
    expect(ids(lintCsr(csr('duplicates')))).toEqual(['duplicate-san'])
    const [cn] = lintCsr(csr('cn-elsewhere'))
    expect(cn).toMatchObject({ id: 'cn-not-in-sans', field: 'cn' })
    expect(cn?.message).toContain('make a new CSR')
    expect(ids(lintCsr(csr('no-san')))).toEqual(['no-san'])
  })
})
