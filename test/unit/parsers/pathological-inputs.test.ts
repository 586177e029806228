import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CoreError } from '../../../src-main/core/errors'
import { der, bmpBytes } from '../../../src-main/core/pki/asn1/writer'
import { parseImportInput } from '../../../src-main/core/pki/formats/import-parser'
import { MAX_KDF_ROUNDS_PER_FILE, MAX_PKCS12_KDF_ITERATIONS } from '../../../src-main/core/pki/formats/limits'
import { KdfBudget, kdfRounds, pkcs12TripleDesEncrypt } from '../../../src-main/core/pki/formats/pbe'
import { readPkcs12, writePkcs12 } from '../../../src-main/core/pki/formats/pkcs12'
import { pkcs12Kdf, Pkcs12KdfPurpose } from '../../../src-main/core/pki/formats/pkcs12-kdf'
import { encryptPkcs8 } from '../../../src-main/core/pki/formats/pkcs8'
import { OID } from '../../../src-main/core/pki/oids'
import { decodePemBlocks, encodePem, MAX_PEM_BYTES } from '../../../src-main/core/pki/pem'
import { parserContext } from '../../../src-main/core/sectigo/call-context'
import { parseCollectSslResponse } from '../../../src-main/core/sectigo/endpoints/collect-ssl'
import { parseDecodeCsr } from '../../../src-main/core/sectigo/endpoints/decode-csr'
import { parseDcvEmailAddressList } from '../../../src-main/core/sectigo/endpoints/get-dcv-email-address-list'
import { SectigoError } from '../../../src-main/core/sectigo/errors'
import { textBody, type ApiBody } from '../../../src-main/core/sectigo/responses/body'
import { MAX_RESPONSE_BYTES } from '../../../src-main/core/sectigo/transport'
import { parseCsr } from '../../../src-main/sandbox/csr'
import { isSectigoApiError } from '../../../src-main/sandbox/api-error'
import { MAX_CSR_CHARS } from '../../../src-main/sandbox/limits'
import { expectLinear, expectNearBaseline } from '../../helpers/growth'

/** What a parse ended in: a typed error's class or code, or the kind of result. */
function outcome(f: () => unknown): string {
  try {
    const r = f()
    return typeof r === 'object' && r !== null && 'kind' in r ? `result:${String(r.kind)}` : 'result'
  } catch (e) {
    if (e instanceof SectigoError) return `SectigoError:${e.errorClass}`
    if (e instanceof CoreError) return `CoreError:${e.code}`
    throw e
  }
}

const collectBody = (body: ApiBody): unknown => parseCollectSslResponse(body, parserContext('CollectSSL'))
const collect = (text: string): unknown => collectBody(textBody(text))
const utf8 = new TextDecoder('utf-8', { fatal: true })
const fill = (prefix: string, unit: string, suffix: string, size: number): string => prefix + unit.repeat(Math.max(0, Math.floor((size - prefix.length - suffix.length) / unit.length))) + suffix

/** A read-only refusal may cost this many times a plain UTF-8 decode of the same answer (a scan or two, a throw). */
const PARSE_OVER_DECODE_FACTOR = 8

describe('Sectigo answers at the transport cap (1 MiB) are read in linear time, with a typed outcome', () => {
  it('a form answer whose value runs into 1 MiB of line feeds is refused, not taken as "processing"', () => {
    // Held to a plain decode of the same bytes, as the test of bare carriage returns below explains:
    // a 64 KiB/1 MiB ratio measured TextDecoder's small-input fast path (69-105x for 16x, 3 runs in 4).
    const body = textBody(fill('errorCode=0&x=', '\n', 'y', MAX_RESPONSE_BYTES))
    expect(outcome(() => collectBody(body))).toBe('SectigoError:bad_response')
    expectNearBaseline(body, (b) => outcome(() => collectBody(b)), (b) => utf8.decode(b.bytes), PARSE_OVER_DECODE_FACTOR)
  })

  it('a form answer followed by 1 MiB of line breaks is still that answer; line breaks alone are a blank answer', () => {
    const body = textBody(fill('errorCode=0', '\r\n', '', MAX_RESPONSE_BYTES))
    expect(outcome(() => collectBody(body))).toBe('result:processing')
    expectNearBaseline(body, (b) => outcome(() => collectBody(b)), (b) => utf8.decode(b.bytes), PARSE_OVER_DECODE_FACTOR)
    expect(outcome(() => collect('\n'.repeat(100_000)))).toBe('SectigoError:bad_response')
  })

  it('bare carriage returns are refused, so they cannot hide lines from the DecodeCSR line cap', () => {
    // The refusal is found at the first CR, so the run is a UTF-8 read of the answer and the scans of
    // bodyText. A small/large ratio here measured the allocator, not the parser: Node 24's TextDecoder
    // returns up to 128 KiB in ~0.01 ms and a fresh 1 MiB string costs page faults (85-113x for 8x the
    // input in 6 of 6 runs, 128 KiB against 1 MiB). So the parse is held to the decode of the same bytes.
    const make = (n: number): ApiBody => textBody(fill('0\r', `md5=${'a'.repeat(32)}\r`, '', n))
    const decode = (b: ApiBody): unknown => parseDecodeCsr(b, parserContext('DecodeCSR'))
    expect(outcome(() => decode(make(MAX_RESPONSE_BYTES)))).toBe('SectigoError:bad_response')
    expect(outcome(() => decode(textBody(`0\nmd5=${'a'.repeat(32)}\r\nsha1=${'b'.repeat(40)}\r\n`)))).toBe('result')
    expectNearBaseline(make(MAX_RESPONSE_BYTES), (b) => outcome(() => decode(b)), (b) => utf8.decode(b.bytes), PARSE_OVER_DECODE_FACTOR)
  })

  it('a caCertificate of BEGIN lines without END is refused for its length or its content, in linear time', () => {
    const leaf = randomBytes(600).toString('base64')
    const make = (n: number): string => `errorCode=2&certificate=${encodeURIComponent(leaf)}&caCertificate=${encodeURIComponent(fill('', '-----BEGIN CERTIFICATE-----\n', '', n))}`
    expect(outcome(() => collect(make(MAX_RESPONSE_BYTES - 2_000)))).toBe('SectigoError:bad_response')
    expect(outcome(() => collect(make(90 * 1024)))).toBe('SectigoError:bad_response')
    expectLinear(make, (t) => outcome(() => collect(t)), 90 * 1024)
  })

  it('an approver list of many distinct addresses is de-duplicated in linear time', () => {
    const make = (n: number): string => {
      const lines = ['0']
      let size = 2
      for (let i = 0; size < n; i++) {
        const line = `level2_email\tadmin${i}@example${i % 7}.com`
        lines.push(line)
        size += line.length + 1
      }
      return lines.join('\n')
    }
    const parse = (t: string) => parseDcvEmailAddressList(textBody(t), parserContext('GetDCVEmailAddressList'))
    const list = parse(make(MAX_RESPONSE_BYTES))
    expect(list.all.length).toBe(new Set(list.all).size)
    expect(list.all.length).toBeGreaterThan(25_000)
    expect(parse('0\nlevel2_email\ta@x.com\nlevel3_email\ta@x.com\nlevel2_email\tb@x.com').all).toEqual(['a@x.com', 'b@x.com'])
    expectLinear(make, (t) => outcome(() => parse(t)), MAX_RESPONSE_BYTES)
  })
})

describe('the PEM scanner at its cap', () => {
  it.each([
    ['BEGIN lines without END', '-----BEGIN CERTIFICATE-----\n'],
    ['BEGIN markers whose label never closes', '-----BEGIN CERTIFICATE\n'],
    ['END lines after one BEGIN', '-----END CERTIFICATEX\n'],
  ])('%s: a typed refusal in linear time', (_name, unit) => {
    const make = (n: number): string => fill(unit.startsWith('-----END') ? '-----BEGIN CERTIFICATE-----\n' : '', unit, '', n)
    expect(outcome(() => decodePemBlocks(make(MAX_PEM_BYTES)))).toBe('CoreError:bad_format')
    expectLinear(make, (t) => outcome(() => decodePemBlocks(t)), MAX_PEM_BYTES)
  })

  it('the import refuses PEM text over the PEM cap before scanning it, and scans what is under it in linear time', async () => {
    const big = Buffer.from(fill('', '-----BEGIN CERTIFICATE-----\n', '', MAX_PEM_BYTES + 1024))
    await expect(parseImportInput(big)).rejects.toMatchObject({ code: 'too_large', message: expect.stringContaining(`${MAX_PEM_BYTES / 1024 / 1024} MiB`) as unknown })
    const under = Buffer.from(fill('', '-----BEGIN CERTIFICATE-----\n', '', MAX_PEM_BYTES))
    await expect(parseImportInput(under)).rejects.toMatchObject({ code: 'bad_format' })
  })
})

describe('an EC private key longer than its curve allows', () => {
  let sec1: Buffer
  let pkcs8: Buffer
  beforeAll(() => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const good = privateKey.export({ type: 'sec1', format: 'der' })
    const at = good.indexOf(Buffer.from([0x04, 0x20]))
    const scalar = Buffer.concat([Buffer.alloc(16, 0x7f), good.subarray(at + 2, at + 34)])
    const params = der.explicit(0, der.oid('1.2.840.10045.3.1.7'))
    sec1 = der.sequence(der.integer(1), der.octetString(scalar), params)
    pkcs8 = der.sequence(der.integer(0), der.algorithm(OID.ecPublicKey, der.oid('1.2.840.10045.3.1.7')), der.octetString(der.sequence(der.integer(1), der.octetString(scalar))))
  })

  it('is refused as a damaged key in SEC1 and PKCS#8, never as an internal failure', async () => {
    for (const [label, body] of [['EC PRIVATE KEY', sec1], ['PRIVATE KEY', pkcs8]] as const) {
      await expect(parseImportInput(Buffer.from(encodePem(label, body)))).rejects.toMatchObject({
        code: 'bad_format',
        message: expect.stringMatching(/EC key on P-256 with a 48-byte private value, longer than that curve allows \(32 bytes\)/) as unknown,
      })
    }
  })

  it('inside an encrypted PKCS#8 opened with the right password, it is a damaged key, not a wrong password', async () => {
    const enc = await encryptPkcs8(pkcs8, 'Right-Password-1', 10_000)
    await expect(parseImportInput(Buffer.from(encodePem('ENCRYPTED PRIVATE KEY', enc)), { password: 'Right-Password-1' })).rejects.toMatchObject({ code: 'bad_format' })
    await expect(parseImportInput(Buffer.from(encodePem('ENCRYPTED PRIVATE KEY', enc)), { password: 'Wrong-Password-1' })).rejects.toMatchObject({ code: 'wrong_password' })
  })
})

describe('PKCS#12 key-derivation work is capped per file, counted in rounds', () => {
  const PASSWORD = 'Budget-Password-1'

  async function macOver(authSafe: Buffer, iterations: number): Promise<Buffer> {
    const salt = randomBytes(8)
    const key = await pkcs12Kdf('sha1', bmpBytes(PASSWORD, true), salt, iterations, Pkcs12KdfPurpose.mac, 20)
    const value = createHmac('sha1', key).update(authSafe).digest()
    return der.sequence(der.sequence(der.algorithm(OID.sha1, der.null()), der.octetString(value)), der.octetString(salt), der.integer(iterations))
  }

  const pfx = (authSafe: Buffer, mac: Buffer): Buffer => der.sequence(der.integer(3), der.sequence(der.oid(OID.data), der.explicit(0, der.octetString(authSafe))), mac)
  const encryptedPart = (algorithm: Buffer, ciphertext: Buffer): Buffer =>
    der.sequence(der.oid(OID.encryptedData), der.explicit(0, der.sequence(der.integer(0), der.sequence(der.oid(OID.data), algorithm, der.implicitPrimitive(0, ciphertext)))))

  it('refuses twenty encrypted parts at the per-part maximum before deriving a single key, even with a valid MAC', async () => {
    const heavy = der.algorithm(OID.pbeSha1TripleDes3Key, der.sequence(der.octetString(randomBytes(8)), der.integer(MAX_PKCS12_KDF_ITERATIONS)))
    const authSafe = der.sequence(...Array.from({ length: 20 }, () => encryptedPart(heavy, randomBytes(64))))
    const file = pfx(authSafe, await macOver(authSafe, 2_048))
    const budget = new KdfBudget()
    await expect(readPkcs12(file, PASSWORD, budget)).rejects.toMatchObject({ code: 'too_large', detail: { reason: 'kdf_budget' } })
    expect(budget.spent).toBe(0)
  })

  it('charges keys hidden inside an encrypted part as they are reached, and stops at the limit', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const key = privateKey.export({ type: 'pkcs8', format: 'der' })
    const keyBags = await Promise.all(
      [1, 2, 3].map(async () => {
        const enc = await pkcs12TripleDesEncrypt(key, PASSWORD, 20_000, 8)
        return der.sequence(der.oid(OID.pkcs8ShroudedKeyBag), der.explicit(0, der.sequence(enc.algorithm, der.octetString(enc.ciphertext))))
      }),
    )
    const inner = der.sequence(der.sequence(der.oid(OID.safeContentsBag), der.explicit(0, der.sequence(...keyBags))))
    const outer = await pkcs12TripleDesEncrypt(inner, PASSWORD, 2_048, 8)
    const authSafe = der.sequence(encryptedPart(outer.algorithm, outer.ciphertext))
    const file = pfx(authSafe, await macOver(authSafe, 2_048))
    const perKey = kdfRounds('sha1', 20_000, 24) + kdfRounds('sha1', 20_000, 8)
    const opened = kdfRounds('sha1', 2_048, 20) + kdfRounds('sha1', 2_048, 24) + kdfRounds('sha1', 2_048, 8)
    const budget = new KdfBudget(opened + perKey + perKey / 2)
    await expect(readPkcs12(file, PASSWORD, budget)).rejects.toMatchObject({ code: 'too_large', detail: { reason: 'kdf_budget' } })
    expect(budget.spent).toBe(opened + perKey)
    expect(budget.spent).toBeLessThanOrEqual(budget.limit)
  })

  it('counts exactly the rounds a Compatible file needs, and the cap covers that profile at its maximum with an empty password', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-budget-'))
    const keyFile = join(dir, 'k.pem')
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }))
    const leaf = execFileSync('openssl', ['req', '-x509', '-key', keyFile, '-subj', '/CN=budget.example', '-days', '1'], { encoding: 'utf8' })
    rmSync(dir, { recursive: true, force: true })
    const certDer = decodePemBlocks(leaf)[0]?.der ?? Buffer.alloc(0)
    const file = await writePkcs12({ pkcs8Der: privateKey.export({ type: 'pkcs8', format: 'der' }), certificates: [certDer], friendlyName: 'b' }, { profile: 'compatible', password: PASSWORD, iterations: 2_048 })
    const budget = new KdfBudget()
    await readPkcs12(file, PASSWORD, budget)
    const perPart = kdfRounds('sha1', 2_048, 24) + kdfRounds('sha1', 2_048, 8)
    expect(budget.spent).toBe(kdfRounds('sha1', 2_048, 20) + 2 * perPart)
    const atMax = kdfRounds('sha1', MAX_PKCS12_KDF_ITERATIONS, 20) + 2 * (kdfRounds('sha1', MAX_PKCS12_KDF_ITERATIONS, 24) + kdfRounds('sha1', MAX_PKCS12_KDF_ITERATIONS, 8))
    expect(2 * atMax).toBeLessThanOrEqual(MAX_KDF_ROUNDS_PER_FILE)
  })
})

describe("the Sandbox's CSR parser", () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'certdesk-csr-explicit-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const codeOf = (csr: string): Promise<unknown> =>
    parseCsr(csr).then(
      () => 0,
      (x: unknown) => (isSectigoApiError(x) ? x.code : x),
    )

  it('answers -10 (cannot be decoded), not -14, when the library cannot read the key (curve parameters that are no curve)', async () => {
    const key = join(dir, 'p256.key')
    execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key])
    const good = Buffer.from(decodePemBlocks(execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/CN=curve.example.com'], { encoding: 'utf8' }))[0]?.der ?? [])
    const curve = Buffer.from('06082a8648ce3d030107', 'hex')
    const at = good.indexOf(curve)
    expect(at).toBeGreaterThan(0)
    const notACurve = Buffer.concat([good.subarray(0, at), Buffer.from('30080201010201010500', 'hex'), good.subarray(at + curve.length)])
    expect(await codeOf(encodePem('CERTIFICATE REQUEST', notACurve))).toBe(-10)
  })

  it('answers a typed code for explicit EC domain parameters', async () => {
    const key = join(dir, 'explicit.key')
    execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-param_enc', 'explicit', '-genkey', '-noout', '-out', key])
    const csr = execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/CN=explicit.example.com'], { encoding: 'utf8' })
    expect([-10, -11]).toContain(await codeOf(csr))
  })

  it('finds the PEM body of a CSR field full of BEGIN lines in linear time and answers -9', async () => {
    const make = (n: number): string => fill('', '-----BEGIN CERTIFICATE REQUEST-----\n', '', n)
    expect(await codeOf(make(MAX_CSR_CHARS))).toBe(-9)
    const text = make(MAX_CSR_CHARS)
    expectLinear((n) => text.slice(0, n), (t) => void parseCsr(t).catch(() => undefined), MAX_CSR_CHARS)
  })
})
