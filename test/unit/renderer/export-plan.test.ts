import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MIN_EXPORT_PASSWORD_LENGTH } from '../../../src-main/core/certs/export-password'
import { safeBaseName } from '../../../src-main/core/certs/export-service'
import { dnDisplayName, exportBaseName } from '../../../src-renderer/components/cert-format'
import {
  FORMATS,
  INITIAL_FORMAT,
  MIN_EXPORT_PASSWORD_CHARS,
  defaultFileName,
  formatOptions,
  formatProblem,
  initialPreset,
  presetOptions,
  presetProblem,
  previewLine,
  type FormatState,
} from '../../../src-renderer/components/export-plan'

const ONE_INTERMEDIATE = { intermediates: 1, rootKnown: true }
const with_ = (patch: Partial<FormatState>): FormatState => ({ ...INITIAL_FORMAT, ...patch })

describe('the export preview line', () => {
  it('says what each format holds, root left out by default', () => {
    expect(previewLine(with_({ format: 'fullchain' }), ONE_INTERMEDIATE)).toBe(
      'This file will contain: leaf, 1 intermediate (root not included).',
    )
    expect(previewLine(with_({ format: 'chain' }), ONE_INTERMEDIATE)).toBe(
      'This file will contain: 1 intermediate (root not included).',
    )
    expect(previewLine(with_({ format: 'pfx' }), ONE_INTERMEDIATE)).toBe(
      'This file will contain: private key, leaf, 1 intermediate (root not included).',
    )
    expect(previewLine(with_({ format: 'pem', includeRoot: true }), ONE_INTERMEDIATE)).toBe(
      'This file will contain: the certificate only (leaf, no chain).',
    )
    expect(previewLine(with_({ format: 'key', unencryptedKey: true }), ONE_INTERMEDIATE)).toContain('UNENCRYPTED')
  })

  it('follows the root, intermediates and order switches', () => {
    expect(previewLine(with_({ format: 'fullchain', includeRoot: true, chainOrder: 'root-first' }), ONE_INTERMEDIATE)).toBe(
      'This file will contain: root, 1 intermediate, leaf.',
    )
    expect(previewLine(with_({ format: 'p7b', includeChain: false }), ONE_INTERMEDIATE)).toBe(
      'This file will contain: leaf (root not included; intermediates not included).',
    )
    expect(previewLine(with_({ format: 'fullchain', includeRoot: true }), { intermediates: 2, rootKnown: false })).toBe(
      'This file will contain: leaf, 2 intermediates (root not known to CertDesk).',
    )
  })
})

describe('export requests', () => {
  it('send chain options only to formats that hold a chain (core refuses them elsewhere)', () => {
    for (const f of FORMATS) {
      const o = formatOptions(with_({ format: f.id, includeRoot: true, chainOrder: 'root-first', password: 'pw', confirm: 'pw' }))
      expect('includeRoot' in o).toBe(!f.leafOnly)
      expect('chainOrder' in o).toBe(!f.leafOnly)
      expect('includeChain' in o).toBe(f.optionalChain)
      expect('profile' in o).toBe(f.id === 'pfx')
      expect('encoding' in o).toBe(f.id === 'p7b')
      expect('password' in o).toBe(f.id === 'pfx' || f.id === 'key' || f.id === 'bundle')
    }
  })

  it('never sends a password with an unencrypted key', () => {
    const o = formatOptions(with_({ format: 'key', unencryptedKey: true, password: 'left over', confirm: 'left over' }))
    expect(o).toEqual({ format: 'key', unencryptedKey: true })
  })

  it('holds the same minimum password length as core', () => {
    expect(MIN_EXPORT_PASSWORD_CHARS).toBe(MIN_EXPORT_PASSWORD_LENGTH)
  })

  it('blocks what core would refuse, with the reason', () => {
    expect(formatProblem(with_({ format: 'pfx', password: 'a', confirm: 'b' }), ONE_INTERMEDIATE, true, undefined)).toBe(
      'The two passwords differ.',
    )
    expect(formatProblem(with_({ format: 'pfx', password: 'a', confirm: 'a' }), ONE_INTERMEDIATE, false, undefined)).toMatch(/no private key/)
    expect(formatProblem(with_({ format: 'pfx', password: 'short-pw', confirm: 'short-pw' }), ONE_INTERMEDIATE, true, undefined)).toMatch(/at least 10 characters/)
    expect(formatProblem(with_({ format: 'key', password: 'ten-chars!', confirm: 'ten-chars!' }), ONE_INTERMEDIATE, true, undefined)).toBeNull()
    expect(formatProblem(with_({ format: 'key', unencryptedKey: true }), ONE_INTERMEDIATE, true, undefined)).toBeNull()
    expect(formatProblem(with_({ format: 'chain' }), { intermediates: 0, rootKnown: true }, true, undefined)).toMatch(/no intermediates/)
    expect(formatProblem(with_({ format: 'chain', includeRoot: true }), { intermediates: 0, rootKnown: true }, true, undefined)).toBeNull()
  })

  it('asks each preset only for what it needs', () => {
    const haproxy = initialPreset('haproxy', undefined)
    const info = { id: 'haproxy', label: 'HAProxy', description: '', password: 'plain', defaultProfile: null } as const
    expect(presetProblem(haproxy, info, ONE_INTERMEDIATE, true)).toMatch(/confirm/)
    expect(presetOptions({ ...haproxy, unencryptedKey: true }, info)).toEqual({ preset: 'haproxy', includeRoot: false, unencryptedKey: true })

    const tomcatInfo = { id: 'tomcat', label: 'Tomcat / Java', description: '', password: 'required', defaultProfile: 'modern' } as const
    const tomcat = { ...initialPreset('tomcat', tomcatInfo), password: 'pässword-Tomcat', confirm: 'pässword-Tomcat' }
    expect(presetProblem(tomcat, tomcatInfo, ONE_INTERMEDIATE, true)).toMatch(/non-ASCII/)
    expect(presetOptions({ ...tomcat, password: 'ascii', confirm: 'ascii' }, tomcatInfo)).toEqual({
      preset: 'tomcat',
      includeRoot: false,
      password: 'ascii',
      profile: 'modern',
    })
  })
})

describe('names', () => {
  it('default file names match the stem core chooses', () => {
    fc.assert(
      fc.property(fc.option(fc.string({ maxLength: 80 }), { nil: null }), (commonName) => {
        const fingerprintSha256 = 'ab'.repeat(32)
        expect(exportBaseName({ commonName, fingerprintSha256 })).toBe(
          safeBaseName(commonName ?? `certificate-${fingerprintSha256.slice(0, 12)}`),
        )
      }),
    )
  })

  it('names a PKCS#12 file by its profile, and every other format by what it holds', () => {
    expect(defaultFileName('shop.example.com', with_({ format: 'pfx', profile: 'modern' }))).toBe('shop.example.com.modern.pfx')
    expect(defaultFileName('shop.example.com', with_({ format: 'pfx', profile: 'compatible' }))).toBe('shop.example.com.compatible.pfx')
    const names = FORMATS.map((f) => defaultFileName('shop', with_({ format: f.id })))
    expect(new Set(names).size).toBe(FORMATS.length)
  })

  it('shows a DN by its CN, honouring escaped commas', () => {
    expect(dnDisplayName('O=Example\\, Inc., CN=Example CA')).toBe('Example CA')
    expect(dnDisplayName('O=Example\\, Inc., C=US')).toBe('Example, Inc.')
  })
})
