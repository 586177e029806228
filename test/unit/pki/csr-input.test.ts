import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CoreError, isCoreError } from '../../../src-main/core/errors'
import { MAX_CSR_BYTES, decodeCsr, readCsrInput } from '../../../src-main/core/pki/csr-decode'
import { makeTempDir, openssl } from './openssl'

const tmp = makeTempDir()
let csrPem = ''
let csrDer: Buffer = Buffer.alloc(0)
let rsaCsrDer: Buffer = Buffer.alloc(0)
let certPem = ''
let certDer: Buffer = Buffer.alloc(0)
const keyPems: Record<string, string> = {}
let keyPkcs8Der: Buffer = Buffer.alloc(0)
let keySec1Der: Buffer = Buffer.alloc(0)
let p12Der: Buffer = Buffer.alloc(0)
let p7bPem = ''
let publicKeyPem = ''

beforeAll(async () => {
  const key = tmp.path('ec.key')
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key])
  await openssl([
    'req',
    '-new',
    '-key',
    key,
    '-subj',
    '/CN=input.example.com',
    '-addext',
    'subjectAltName=DNS:input.example.com',
    '-out',
    tmp.path('ec.csr'),
  ])
  csrPem = readFileSync(tmp.path('ec.csr'), 'utf8')
  csrDer = (await openssl(['req', '-in', tmp.path('ec.csr'), '-outform', 'DER'])).bytes
  const rsaKey = tmp.path('rsa.key')
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', rsaKey])
  rsaCsrDer = (
    await openssl([
      'req',
      '-new',
      '-key',
      rsaKey,
      '-subj',
      '/CN=rsa.example.com/O=Müller',
      '-utf8',
      '-outform',
      'DER',
    ])
  ).bytes

  await openssl([
    'req',
    '-x509',
    '-key',
    key,
    '-subj',
    '/CN=cert.example.com',
    '-days',
    '1',
    '-out',
    tmp.path('cert.pem'),
  ])
  certPem = readFileSync(tmp.path('cert.pem'), 'utf8')
  certDer = (await openssl(['x509', '-in', tmp.path('cert.pem'), '-outform', 'DER'])).bytes

  keyPems.pkcs8 = readFileSync(key, 'utf8')
  keyPems.sec1 = (await openssl(['ec', '-in', key])).stdout
  keyPems.rsa = (await openssl(['rsa', '-in', rsaKey, '-traditional'])).stdout
  keyPems.encrypted = (await openssl(['pkcs8', '-topk8', '-in', key, '-passout', 'pass:secret-pass'])).stdout
  keyPems.openssh =
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n'
  keyPkcs8Der = (await openssl(['pkcs8', '-topk8', '-nocrypt', '-in', key, '-outform', 'DER'])).bytes
  keySec1Der = (await openssl(['ec', '-in', key, '-outform', 'DER'])).bytes
  p12Der = (
    await openssl([
      'pkcs12',
      '-export',
      '-inkey',
      key,
      '-in',
      tmp.path('cert.pem'),
      '-passout',
      'pass:p12-pass',
    ])
  ).bytes
  p7bPem = (await openssl(['crl2pkcs7', '-nocrl', '-certfile', tmp.path('cert.pem')])).stdout
  publicKeyPem = (await openssl(['pkey', '-in', key, '-pubout'])).stdout
})
afterAll(() => tmp.remove())

function errorOf(fn: () => unknown): CoreError {
  try {
    fn()
  } catch (e) {
    if (isCoreError(e)) return e
    throw new Error(`expected a CoreError, got ${String(e)}`, { cause: e })
  }
  throw new Error('expected an error')
}

describe('readCsrInput accepts a CSR in every form users give it', () => {
  const b64 = (): string => csrDer.toString('base64')
  const cases: [string, () => string | Uint8Array][] = [
    ['PEM', () => csrPem],
    ['PEM with CRLF line ends', () => csrPem.replace(/\n/g, '\r\n')],
    ['PEM with text around it', () => `Hello, here is our CSR:\n\n${csrPem}\nRegards,\nIT`],
    [
      'PEM with indented lines',
      () =>
        csrPem
          .split('\n')
          .map((l) => `   ${l}`)
          .join('\n'),
    ],
    [
      'the legacy NEW CERTIFICATE REQUEST label',
      () => csrPem.replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST'),
    ],
    ['bare base64 on one line', () => b64()],
    ['bare base64 wrapped with spaces and newlines', () => ` ${b64().replace(/(.{60})/g, '$1\n  ')}\n`],
    ['DER bytes', () => new Uint8Array(csrDer)],
    ['PEM file bytes', () => Buffer.from(csrPem, 'utf8')],
    [
      'PEM file bytes with a UTF-8 BOM',
      () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csrPem)]),
    ],
    [
      'PEM saved as UTF-16 by Notepad',
      () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csrPem, 'utf16le')]),
    ],
    ['a PEM with a certificate before the CSR', () => `${certPem}${csrPem}`],
  ]
  it.each(cases)('%s', (_name, input) => {
    expect(readCsrInput(input()).equals(csrDer)).toBe(true)
  })
})

describe('readCsrInput refuses what is not one CSR, saying what it is', () => {
  it('an empty input', () => {
    for (const input of ['', '  \r\n\t', new Uint8Array(0)]) {
      const e = errorOf(() => readCsrInput(input))
      expect(e.code).toBe('bad_format')
      expect(e.message).toMatch(/^The file is empty/)
    }
  })

  it('a 10 MB input, before parsing it (even one holding a valid CSR)', () => {
    const big = csrPem + ' '.repeat(10 * 1024 * 1024)
    expect(errorOf(() => readCsrInput(big)).code).toBe('too_large')
    expect(errorOf(() => readCsrInput(Buffer.alloc(10 * 1024 * 1024, 0x30))).code).toBe('too_large')
    expect(errorOf(() => readCsrInput(csrPem + ' '.repeat(MAX_CSR_BYTES - csrPem.length + 1))).code).toBe(
      'too_large',
    )
    expect(readCsrInput(csrPem + ' '.repeat(MAX_CSR_BYTES - csrPem.length)).equals(csrDer)).toBe(true)
  })

  it('garbage text and bytes', () => {
    for (const input of [
      'hello world',
      'MIIB!!notbase64',
      Buffer.from([0xde, 0xad, 0xbe, 0xef]),
      Buffer.from([0x30, 0x82, 0x01]),
    ]) {
      const e = errorOf(() => readCsrInput(input))
      expect(e.code).toBe('bad_format')
      expect(e.message).toMatch(/not a (valid )?certificate request/)
    }
  })

  it('a certificate given as PEM, DER or base64', () => {
    for (const input of [
      certPem,
      certDer,
      certDer.toString('base64'),
      certPem.replace(/CERTIFICATE/g, 'CERTIFICATE REQUEST'),
    ]) {
      const e = errorOf(() => readCsrInput(input))
      expect(e.code).toBe('bad_format')
      expect(e.message).toMatch(/^This is a certificate, not a certificate request \(CSR\)/)
    }
  })

  it('a private key in any encoding, warning not to share it', () => {
    for (const input of [
      ...Object.values(keyPems),
      `${csrPem}\n${keyPems.pkcs8 ?? ''}`,
      keyPkcs8Der,
      keySec1Der,
      keyPkcs8Der.toString('base64'),
    ]) {
      const e = errorOf(() => readCsrInput(input))
      expect(e.code).toBe('bad_format')
      expect(e.message).toMatch(/^This is a private key/)
      expect(e.message).toMatch(/Never paste or share a private key/)
    }
  })

  it('a PKCS#12 file', () => {
    expect(errorOf(() => readCsrInput(p12Der)).message).toMatch(/PKCS#12/)
  })

  it('a PKCS#7 bundle and a public key', () => {
    expect(errorOf(() => readCsrInput(p7bPem)).message).toMatch(/PKCS#7/)
    expect(errorOf(() => readCsrInput(publicKeyPem)).message).toMatch(/public key/)
  })

  it('a truncated PEM', () => {
    const lines = csrPem.split('\n')
    const noEnd = lines.slice(0, 4).join('\n')
    const shortBody = [...lines.slice(0, 3), ...lines.slice(-2)].join('\n')
    for (const input of [noEnd, shortBody]) expect(errorOf(() => readCsrInput(input)).code).toBe('bad_format')
  })

  it('DER with trailing garbage, a BER indefinite length or a non-minimal length', () => {
    expect(errorOf(() => readCsrInput(Buffer.concat([csrDer, Buffer.from('garbage')]))).message).toMatch(
      /unexpected bytes/,
    )
    const indefinite = Buffer.concat([
      Buffer.from([0x30, 0x80]),
      csrDer.subarray(csrDer[1] === 0x82 ? 4 : 3),
      Buffer.from([0, 0]),
    ])
    expect(errorOf(() => readCsrInput(indefinite)).message).toMatch(/indefinite length/)
    const len = csrDer.length - 2
    const nonMinimal = Buffer.concat([
      Buffer.from([0x30, 0x83, 0, len >> 8, len & 0xff]),
      csrDer.subarray(2 + (csrDer[1] === 0x82 ? 2 : csrDer[1] === 0x81 ? 1 : 0)),
    ])
    expect(errorOf(() => readCsrInput(nonMinimal)).code).toBe('bad_format')
  })

  it('two CSRs in one paste', () => {
    expect(errorOf(() => readCsrInput(csrPem + csrPem)).message).toMatch(/2 certificate requests/)
  })
})

describe('decodeCsr never fails with anything but a CoreError', () => {
  async function outcome(input: string | Uint8Array): Promise<'ok' | 'error'> {
    try {
      await decodeCsr(readCsrInput(input))
      return 'ok'
    } catch (e) {
      if (e instanceof CoreError && ['bad_format', 'too_large'].includes(e.code)) return 'error'
      throw e
    }
  }

  it('on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (bytes) => void (await outcome(bytes))),
      { numRuns: 500 },
    )
  })

  it('on random bytes that start like DER', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 600 }),
        async (bytes) =>
          void (await outcome(
            Buffer.concat([Buffer.from([0x30, 0x82, bytes.length >> 8, bytes.length & 0xff]), bytes]),
          )),
      ),
      { numRuns: 300 },
    )
  })

  it('on random text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 2000 }), async (s) => void (await outcome(s))),
      { numRuns: 300 },
    )
  })

  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), value: fc.nat() }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      value: fc.integer({ min: 0, max: 255 }),
    }),
  )
  function mutate(
    der: Buffer,
    muts: { kind: 'set' | 'flip' | 'cut' | 'insert'; at: number; value: number }[],
  ): Buffer {
    let out = Buffer.from(der)
    for (const m of muts) {
      const at = out.length === 0 ? 0 : m.at % out.length
      if (m.kind === 'set') out[at] = m.value
      else if (m.kind === 'flip') out[at] = (out[at] ?? 0) ^ (1 << m.value)
      else if (m.kind === 'cut')
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + (m.value % 8))])
      else out = Buffer.concat([out.subarray(0, at), Buffer.from([m.value]), out.subarray(at)])
    }
    return out
  }

  it('on mutations of valid EC and RSA CSR DER', async () => {
    const seen = { ok: 0, error: 0 }
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        async (rsa, muts) => {
          seen[await outcome(mutate(rsa ? rsaCsrDer : csrDer, muts))]++
        },
      ),
      { numRuns: 1500 },
    )
    expect(seen.ok).toBeGreaterThan(0)
    expect(seen.error).toBeGreaterThan(0)
  })

  it('on mutations of a valid CSR PEM', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (muts) => {
        const text = mutate(Buffer.from(csrPem, 'latin1'), muts).toString('latin1')
        await outcome(text)
      }),
      { numRuns: 500 },
    )
  })
})
