import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { zipSync } from 'fflate'
import { openBackup, sealBackup } from '../../src-main/core/backup/container'
import { passwordFromBytes } from '../../src-main/core/certs/password-file'
import { CoreError } from '../../src-main/core/errors'
import { startPushReceiver, type PushReceiver } from '../../src-main/core/orders/push-receiver'
import { silentLogger } from '../../src-main/core/log/logger'
import { decodeCsr, readCsrInput } from '../../src-main/core/pki/csr-decode'
import { parseCertificate } from '../../src-main/core/pki/formats/certificate'
import { parseImportInput } from '../../src-main/core/pki/formats/import-parser'
import { readPkcs12, writePkcs12 } from '../../src-main/core/pki/formats/pkcs12'
import { readPkcs7, writePkcs7 } from '../../src-main/core/pki/formats/pkcs7'
import { decryptPkcs8, encryptPkcs8 } from '../../src-main/core/pki/formats/pkcs8'
import { parsePlainPrivateKey } from '../../src-main/core/pki/formats/private-key'
import { readZip } from '../../src-main/core/pki/formats/zip'
import { decodePemBlocks, encodePem } from '../../src-main/core/pki/pem'
import { parserContext } from '../../src-main/core/sectigo/call-context'
import { SECTIGO_ENDPOINTS } from '../../src-main/core/sectigo/client'
import { parsePlacedOrderNewline } from '../../src-main/core/sectigo/endpoints/placed-order'
import { SectigoError } from '../../src-main/core/sectigo/errors'
import { decodeForm } from '../../src-main/core/sectigo/form'
import { certificatesFromPkcs7, certificatesFromText, certificatesFromZip } from '../../src-main/core/sectigo/responses/certificate-data'
import { isSectigoApiError } from '../../src-main/sandbox/api-error'
import { parseCsr } from '../../src-main/sandbox/csr'
import { makeTestPki } from '../fixtures/certs/pki-fixtures'
import { PLACED_ORDER_NEWLINE_SAMPLE, SECTIGO_SAMPLES } from '../unit/sectigo/support/samples'
import { byteInputs, mutatedBytes, textInputs } from './arbitraries'

/**
 * Every entry point that reads bytes or text CertDesk did not make itself: files and pasted text
 * (imports, CSRs, password files, backups), Sectigo's answers, push notifications, and what the
 * Sandbox CA reads from its clients. Each target says where its input comes from, how to run one
 * input, and which thrown values are that parser's typed errors; anything else thrown is a bug.
 */
export type InputSource = 'file or paste' | 'Sectigo' | 'push' | 'Sandbox client'

export interface FuzzTarget<T = unknown> {
  name: string
  source: InputSource
  input: fc.Arbitrary<T>
  /** Bytes or characters of one input, for the report and the per-input time bound. */
  size(input: T): number
  run(input: T): unknown
  /** True for the parser's own typed errors. */
  typed(e: unknown): boolean
}

const target = <T>(t: FuzzTarget<T>): FuzzTarget => t

const isCoreError = (e: unknown): boolean => e instanceof CoreError
const isSectigoError = (e: unknown): boolean => e instanceof SectigoError
const bytesSize = (b: Uint8Array): number => b.byteLength
const textSize = (s: string): number => s.length

/** Tokens that made parsers slow or confused them: line breaks, PEM armour, form separators. */
const TEXT_TOKENS = ['\n', '\r', '\r\n', '&', '=', '%', '%0A', 'errorCode=0&', '-----BEGIN CERTIFICATE-----\n', '-----END CERTIFICATE-----\n', '-----BEGIN ', 'caCertificate=', '1_orderNumber=1&', 'level2_email\ta@b.c\n', '0\n']
const MAX_REPEAT = 3_000
const PASSWORD = 'Fuzz-Password-42'

export interface FuzzContext {
  targets: FuzzTarget[]
  close(): Promise<void>
}

/** Builds the seeds (a small PKI, a PKCS#12, a ZIP, a CSR, a backup) and a push receiver, once. */
export async function fuzzTargets(): Promise<FuzzContext> {
  const pki = await makeTestPki()
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-fuzz-'))
  const leaf = pki.leafEc
  const p12 = await writePkcs12({ pkcs8Der: leaf.keyDer, certificates: [leaf.der, pki.inter.der], friendlyName: 'fuzz' }, { profile: 'compatible', password: PASSWORD, iterations: 2_048 })
  const encKey = await encryptPkcs8(leaf.keyDer, PASSWORD, 10_000)
  const p7 = writePkcs7([leaf.der, pki.inter.der])
  const zip = zipSync({ 'www_example_com.crt': Buffer.from(leaf.pem), 'chain.crt': Buffer.from(pki.inter.pem + pki.root.pem), 'readme.txt': Buffer.from('hello') })
  const keyFile = join(dir, 'leaf.key')
  writeFileSync(keyFile, leaf.keyPem)
  const csrPem = execFileSync('openssl', ['req', '-new', '-key', keyFile, '-subj', '/CN=fuzz.example.com/O=Fuzz', '-addext', 'subjectAltName=DNS:fuzz.example.com,DNS:www.fuzz.example.com'], { encoding: 'utf8' })
  rmSync(dir, { recursive: true, force: true })
  const csrDer = decodePemBlocks(csrPem)[0]?.der ?? Buffer.alloc(0)
  const backup = await sealBackup({ createdAt: new Date(0).toISOString(), certdeskVersion: 'fuzz', schemaVersion: 1, counts: { keys: 0, certificates: 0, orders: 0 } }, Buffer.from('SQLite format 3\u0000 fuzz'), null, 'fuzz backup passphrase')

  const bundle = leaf.pem + 'explanatory text\n' + pki.inter.pem + pki.root.pem + leaf.keyPem
  const fileSeeds = [Buffer.from(bundle), leaf.der, p7, p12, encKey, Buffer.from(encodePem('ENCRYPTED PRIVATE KEY', encKey)), Buffer.from(zip), leaf.keyDer, Buffer.from(csrPem)]
  const sectigoTargets = [
    ...SECTIGO_ENDPOINTS.map((e) => ({ name: e.name, parse: (b: Uint8Array) => e.parse({ bytes: b, contentType: null }, parserContext(e.name)), samples: SECTIGO_SAMPLES[e.name] ?? [] })),
    {
      name: 'AutoApplySSL (newline)',
      parse: (b: Uint8Array) => parsePlacedOrderNewline({ bytes: b, contentType: null }, { showCertificateID: false, showCertificateState: false }, parserContext('AutoApplySSL')),
      samples: [PLACED_ORDER_NEWLINE_SAMPLE],
    },
  ]
  const collectSample = `errorCode=2&certificate=${encodeURIComponent(leaf.der.toString('base64'))}&caCertificate=${encodeURIComponent(pki.inter.der.toString('base64'))}`

  const receiver: PushReceiver = await startPushReceiver({ port: 0, host: '127.0.0.1', username: 'sectigo', password: 'push-secret-fuzz', onNotification: () => undefined, logger: silentLogger })
  const goodAuth = `Basic ${Buffer.from('sectigo:push-secret-fuzz').toString('base64')}`

  const targets: FuzzTarget[] = [
    ...sectigoTargets.map((t) =>
      target({
        name: `Sectigo ${t.name}`,
        source: 'Sectigo',
        input: byteInputs([...t.samples, collectSample].map((s) => Buffer.from(s)), TEXT_TOKENS, MAX_REPEAT),
        size: bytesSize,
        run: t.parse,
        typed: isSectigoError,
      }),
    ),
    target({
      name: 'Sectigo form decoder',
      source: 'Sectigo',
      input: textInputs([...Object.values(SECTIGO_SAMPLES).flat(), collectSample], TEXT_TOKENS, MAX_REPEAT),
      size: textSize,
      run: decodeForm,
      typed: () => false,
    }),
    target({
      name: 'Sectigo certificate values (text, PKCS#7, ZIP)',
      source: 'Sectigo',
      input: fc.tuple(fc.constantFrom('text', 'pkcs7', 'zip'), byteInputs([Buffer.from(leaf.pem), Buffer.from(leaf.der.toString('base64')), p7, Buffer.from(zip)], TEXT_TOKENS, MAX_REPEAT)),
      size: ([, b]) => b.byteLength,
      run: ([kind, b]) => (kind === 'text' ? certificatesFromText(Buffer.from(b).toString('latin1')) : kind === 'pkcs7' ? certificatesFromPkcs7(b) : certificatesFromZip(b)),
      typed: isCoreError,
    }),
    target({
      name: 'import (file or pasted text)',
      source: 'file or paste',
      input: fc.tuple(byteInputs(fileSeeds, TEXT_TOKENS, MAX_REPEAT), fc.boolean()),
      size: ([b]) => b.byteLength,
      run: ([b, withPassword]) => parseImportInput(b, withPassword ? { password: PASSWORD, sourceName: 'fuzz' } : { sourceName: 'fuzz' }),
      typed: isCoreError,
    }),
    target({ name: 'PEM blocks', source: 'file or paste', input: textInputs([bundle], TEXT_TOKENS, MAX_REPEAT), size: textSize, run: (t) => decodePemBlocks(t), typed: isCoreError }),
    target({ name: 'certificate (DER)', source: 'file or paste', input: byteInputs([leaf.der, pki.root.der]), size: bytesSize, run: (b) => parseCertificate(b), typed: isCoreError }),
    target({ name: 'PKCS#7', source: 'file or paste', input: byteInputs([p7]), size: bytesSize, run: (b) => readPkcs7(Buffer.from(b)), typed: isCoreError }),
    target({ name: 'PKCS#12', source: 'file or paste', input: fc.oneof(mutatedBytes([p12]), fc.uint8Array({ maxLength: 600 })), size: bytesSize, run: (b) => readPkcs12(Buffer.from(b), PASSWORD), typed: isCoreError }),
    target({ name: 'encrypted PKCS#8 key', source: 'file or paste', input: fc.oneof(mutatedBytes([encKey]), fc.uint8Array({ maxLength: 400 })), size: bytesSize, run: (b) => decryptPkcs8(Buffer.from(b), PASSWORD), typed: isCoreError }),
    target({
      name: 'private key (PKCS#8, PKCS#1, SEC1)',
      source: 'file or paste',
      input: fc.tuple(fc.constantFrom<'pkcs8' | 'pkcs1' | 'sec1'>('pkcs8', 'pkcs1', 'sec1'), byteInputs([leaf.keyDer, pki.leafRsa.keyDer])),
      size: ([, b]) => b.byteLength,
      run: ([format, b]) => parsePlainPrivateKey(Buffer.from(b), format),
      typed: isCoreError,
    }),
    target({ name: 'ZIP', source: 'file or paste', input: byteInputs([Buffer.from(zip)]), size: bytesSize, run: (b) => readZip(Buffer.from(b)), typed: isCoreError }),
    target({
      name: 'CSR (file or pasted text)',
      source: 'file or paste',
      input: fc.oneof(textInputs([csrPem], TEXT_TOKENS, MAX_REPEAT), mutatedBytes([csrDer])),
      size: (x) => (typeof x === 'string' ? x.length : x.byteLength),
      run: async (x) => decodeCsr(readCsrInput(x)),
      typed: isCoreError,
    }),
    target({ name: 'password file', source: 'file or paste', input: byteInputs([Buffer.from('pässwörd-東京\n')], ['\n', '\r\n', '\u0000'], 5_000), size: bytesSize, run: (b) => passwordFromBytes(b, 'the fuzz input'), typed: isCoreError }),
    target({ name: 'backup file', source: 'file or paste', input: fc.oneof(mutatedBytes([backup]), fc.uint8Array({ maxLength: 600 })), size: bytesSize, run: (b) => openBackup(Buffer.from(b), 'fuzz backup passphrase', 'the fuzz input'), typed: isCoreError }),
    target({
      name: 'push notification',
      source: 'push',
      input: fc.record({
        method: fc.constantFrom('GET', 'POST', 'PUT'),
        auth: fc.constantFrom('good', 'bad', 'none'),
        query: fc.oneof(fc.constant('orderNumber=1234567'), textInputs(['orderNumber=1234567&certificateID=9&status=issued'], TEXT_TOKENS, 500)),
        body: textInputs(['orderNumber=42&certificate=MIIB&eventType=Certificate'], TEXT_TOKENS, MAX_REPEAT),
      }),
      size: (r) => r.query.length + r.body.length,
      run: async (r) => {
        const headers: Record<string, string> = r.auth === 'good' ? { Authorization: goodAuth } : r.auth === 'bad' ? { Authorization: 'Basic eDp5' } : {}
        const res = await fetch(`${receiver.url}?${encodeURI(r.query).slice(0, 4_000)}`, { method: r.method, headers, ...(r.method === 'GET' ? {} : { body: r.body }) })
        await res.arrayBuffer()
        // 429: a receiver that throttles failed logins locks the fuzzer's address out after a few bad ones.
        if (![200, 400, 401, 405, 413, 429].includes(res.status)) throw new Error(`push receiver answered ${res.status}`)
        if (res.status === 200 && r.auth !== 'good') throw new Error('push receiver accepted a request without valid credentials')
        return res.status
      },
      typed: () => false,
    }),
    target({
      name: 'Sandbox CSR (from a client)',
      source: 'Sandbox client',
      input: fc.oneof(textInputs([csrPem], TEXT_TOKENS, MAX_REPEAT), mutatedBytes([csrDer]).map((b) => Buffer.from(b).toString('base64'))),
      size: textSize,
      run: (t) => parseCsr(t),
      typed: isSectigoApiError,
    }),
  ]
  return { targets, close: () => receiver.close() }
}
