import { serialize, deserialize } from 'node:v8'
import { beforeAll, describe, expect, it } from 'vitest'
import { CoreError } from '../../../src-main/core/errors'
import { parseImportInput } from '../../../src-main/core/pki/formats/import-parser'
import { answerParseRequest, errorFromWire, errorToWire, fromWire, materialFromReply, toWire, type WireMaterial } from '../../../src-main/core/pki/formats/import-wire'
import { MAX_CERTIFICATES_PER_IMPORT, MAX_KEYS_PER_IMPORT } from '../../../src-main/core/pki/formats/limits'
import { makeTestPki, type TestPki } from '../../fixtures/certs/pki-fixtures'
import { refusal } from '../../fixtures/certs/refusal'

let pki: TestPki

beforeAll(async () => {
  pki = await makeTestPki()
})

/** What Node's "advanced" IPC does to a message (Electron's postMessage is the same structured clone). */
function overTheWire<T>(value: T): T {
  return deserialize(serialize(value)) as T
}

function bundleWire(): WireMaterial {
  return {
    certificates: [{ der: new Uint8Array(pki.leafEc.der), origin: 'a.pem' }],
    keys: [{ pkcs8Der: new Uint8Array(pki.leafEc.keyDer), origin: 'a.pem' }],
    skipped: [],
    containers: [],
  }
}

describe('the wire form of parsed import material', () => {
  it('round-trips certificates, keys, skipped items and containers through a structured clone', async () => {
    const text = pki.leafEc.keyPem + pki.leafEc.pem + pki.inter.pem + '-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n'
    const material = await parseImportInput(Buffer.from(text), { sourceName: 'bundle.pem' })
    const back = fromWire(overTheWire(toWire(material)))
    expect(back.certificates.map((c) => [c.cert.fingerprintSha256, c.cert.subject, c.cert.notAfter, c.origin])).toEqual(material.certificates.map((c) => [c.cert.fingerprintSha256, c.cert.subject, c.cert.notAfter, c.origin]))
    expect(back.keys.map((k) => [k.key.spkiSha256, k.key.algorithm, k.key.pkcs8Der.toString('hex'), k.origin])).toEqual(material.keys.map((k) => [k.key.spkiSha256, k.key.algorithm, k.key.pkcs8Der.toString('hex'), k.origin]))
    expect(back.skipped).toEqual(material.skipped)
    expect(back.skipped).toHaveLength(1)
    expect(back.containers).toEqual(material.containers)
  })

  it('zeroes the key bytes of the wire form once the key is rebuilt', () => {
    const wire = bundleWire()
    const back = fromWire(wire)
    expect(back.keys).toHaveLength(1)
    expect(wire.keys[0]?.pkcs8Der.every((b) => b === 0)).toBe(true)
  })

  it('applies the per-import limits again, with the errors the in-process parser gives', async () => {
    const certs = Array.from({ length: MAX_CERTIFICATES_PER_IMPORT + 1 }, () => ({ der: new Uint8Array(pki.root.der), origin: 'x' }))
    const keys = Array.from({ length: MAX_KEYS_PER_IMPORT + 1 }, () => ({ pkcs8Der: new Uint8Array(pki.leafEc.keyDer), origin: 'x' }))
    const tooManyCerts = await refusal(Promise.resolve().then(() => fromWire({ ...bundleWire(), certificates: certs })))
    expect(tooManyCerts.code).toBe('too_large')
    expect(tooManyCerts.message).toBe(`The import holds more than ${MAX_CERTIFICATES_PER_IMPORT} certificates; split it.`)
    const tooManyKeys = await refusal(Promise.resolve().then(() => fromWire({ ...bundleWire(), keys })))
    expect(tooManyKeys.code).toBe('too_large')
    expect(tooManyKeys.message).toBe(`The import holds more than ${MAX_KEYS_PER_IMPORT} private keys; split it.`)
  })

  it('parses what the child sends again: a damaged certificate is bad_format and the rebuilt keys are zeroed', async () => {
    const wire = bundleWire()
    wire.certificates.push({ der: new Uint8Array(pki.inter.der.subarray(0, 100)), origin: 'b.pem' })
    const e = await refusal(Promise.resolve().then(() => fromWire(wire)))
    expect(e.code).toBe('bad_format')
    expect(e.message).toMatch(/b\.pem/)
    expect(wire.keys[0]?.pkcs8Der.every((b) => b === 0)).toBe(true)
  })

  it('carries a CoreError across with its code, message, retryable flag and detail', () => {
    const original = new CoreError('wrong_password', 'x.p12 is password-protected.', { detail: { reason: 'password_required' } })
    const back = errorFromWire(overTheWire(errorToWire(original)))
    expect(back).toBeInstanceOf(CoreError)
    expect(back.toInfo()).toEqual(original.toInfo())
    expect(errorToWire(new RangeError('Maximum call stack size exceeded'), 'deep.der')).toEqual({ code: 'internal', message: "CertDesk's file reader failed unexpectedly on deep.der: Maximum call stack size exceeded", retryable: false })
  })

  it('answers a request with the in-process result or error, and refuses a reply that is not one', async () => {
    const ok = materialFromReply(overTheWire(await answerParseRequest({ input: Buffer.from(pki.leafEc.pem), opts: { sourceName: 'c.pem' } })))
    expect(ok.certificates.map((c) => c.cert.fingerprintSha256)).toEqual([pki.leafEc.fingerprint])
    const garbage = Buffer.from('not a certificate')
    const inChild = await refusal(Promise.resolve().then(async () => materialFromReply(overTheWire(await answerParseRequest({ input: garbage, opts: {} })))))
    const here = await refusal(parseImportInput(garbage, {}))
    expect(inChild.toInfo()).toEqual(here.toInfo())
    expect((await answerParseRequest({ input: 'text' })).ok).toBe(false)
    for (const junk of [null, { ok: true }, { ok: false, error: { code: 'no_such_code', message: 'm', retryable: false } }, { ok: true, material: { ...bundleWire(), certificates: [{ der: 'x', origin: 'a' }] } }]) {
      expect((await refusal(Promise.resolve().then(() => materialFromReply(junk)))).code).toBe('internal')
    }
  })
})
