import { generateKeyPairSync, sign } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { buildChain, poolOf } from '../../../../src-main/core/pki/chain/build-chain'
import { createTrustStore } from '../../../../src-main/core/pki/chain/trust-store'
import { parseAsn1 } from '../../../../src-main/core/pki/asn1/reader'
import { der, tlv } from '../../../../src-main/core/pki/asn1/writer'
import { parseCertificate } from '../../../../src-main/core/pki/formats/certificate'
import { writePkcs12 } from '../../../../src-main/core/pki/formats/pkcs12'
import { encodePem } from '../../../../src-main/core/pki/pem'
import { makeService } from '../../../fixtures/certs/service-fixture'

/**
 * Hands CertDesk a crafted DSA public key on which reading KeyObject.asymmetricKeyDetails aborts Node 20
 * (crypto_dsa.cc "Assertion failed: (dsa) != nullptr"). Runs one scenario per process, so an abort shows
 * as this process's exit status instead of killing the test runner; prints one JSON line on success.
 * Usage: node --import jiti/register untrusted-dsa-child.ts SCENARIO DSA_SPKI_FILE
 */

const [scenario = '', spkiFile = ''] = process.argv.slice(2)
const dsaSpki = readFileSync(spkiFile)

const caKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const caSpki = caKeys.publicKey.export({ type: 'spki', format: 'der' })
const ECDSA_SHA256 = der.algorithm('1.2.840.10045.4.3.2')
const DSA_SHA256 = der.algorithm('2.16.840.1.101.3.4.3.2')

function name(cn: string): Buffer {
  return der.sequence(der.set(der.sequence(der.oid('2.5.4.3'), der.utf8String(cn))))
}

/** A v3 certificate signed by the EC root, or (`bogusDsaSignature`) claiming a DSA signature no key made. */
function certificate(o: {
  serial: number
  issuer: string
  subject: string
  spki: Buffer
  ca: boolean
  bogusDsaSignature?: boolean
}): Buffer {
  const utcTime = (s: string): Buffer => tlv(0x17, Buffer.from(s))
  const basicConstraints = der.sequence(
    der.oid('2.5.29.19'),
    tlv(0x01, Buffer.from([0xff])),
    der.octetString(o.ca ? der.sequence(tlv(0x01, Buffer.from([0xff]))) : der.sequence()),
  )
  const alg = o.bogusDsaSignature ? DSA_SHA256 : ECDSA_SHA256
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)),
    der.integer(o.serial),
    alg,
    name(o.issuer),
    der.sequence(utcTime('250101000000Z'), utcTime('450101000000Z')),
    name(o.subject),
    o.spki,
    der.explicit(3, der.sequence(basicConstraints)),
  )
  const signature = o.bogusDsaSignature
    ? der.sequence(der.integer(1), der.integer(1))
    : sign('sha256', tbs, caKeys.privateKey)
  return der.sequence(tbs, alg, tlv(0x03, Buffer.from([0]), signature))
}

const root = certificate({
  serial: 1,
  issuer: 'Test EC Root',
  subject: 'Test EC Root',
  spki: caSpki,
  ca: true,
})
const dsaCa = certificate({
  serial: 2,
  issuer: 'Test EC Root',
  subject: 'Crafted DSA CA',
  spki: dsaSpki,
  ca: true,
})
const leaf = certificate({
  serial: 3,
  issuer: 'Crafted DSA CA',
  subject: 'leaf.example.test',
  spki: caSpki,
  ca: false,
  bogusDsaSignature: true,
})

/** A DSA private key on the crafted key's domain parameters (x is arbitrary but below q). */
function dsaPrivateKey(): Buffer {
  const params = parseAsn1(dsaSpki, { mode: 'der', what: 'key' }).children[0]?.children[1]
  if (!params) throw new Error('the fixture has no DSA parameters')
  return der.sequence(
    der.integer(0),
    der.sequence(der.oid('1.2.840.10040.4.1'), params.raw),
    der.octetString(der.integer(123456789)),
  )
}

async function run(): Promise<unknown> {
  const f = makeService({ trustedRoots: [root] })
  try {
    switch (scenario) {
      case 'import-der': {
        await f.svc.importFromBytes(dsaCa, { actor: 'cli' })
        return { keyAlgorithms: f.svc.list().map((c) => c.keyAlgorithm) }
      }
      case 'import-pem': {
        const text =
          encodePem('PUBLIC KEY', dsaSpki) + encodePem('CERTIFICATE', dsaCa) + encodePem('CERTIFICATE', leaf)
        const report = await f.svc.importFromText(text, { actor: 'ui' })
        return {
          added: report.certificates.map((c) => c.status),
          skipped: report.skipped.map((s) => s.reason),
          chains: report.chains.map((c) => c.status),
          keyAlgorithms: f.svc
            .list()
            .map((c) => c.keyAlgorithm)
            .sort(),
        }
      }
      case 'import-pkcs12': {
        const p12 = await writePkcs12(
          { pkcs8Der: null, certificates: [dsaCa], friendlyName: 'dsa' },
          { profile: 'modern', password: 'pw-dsa-test' },
        )
        await f.svc.importFromBytes(p12, { actor: 'cli', password: 'pw-dsa-test' })
        return { keyAlgorithms: f.svc.list().map((c) => c.keyAlgorithm) }
      }
      case 'import-private-key': {
        const report = await f.svc.importFromText(encodePem('PRIVATE KEY', dsaPrivateKey()), { actor: 'ui' })
        return { keyAlgorithms: report.keys.map((k) => k.algorithm) }
      }
      case 'chain': {
        const chain = buildChain(
          parseCertificate(leaf),
          poolOf([parseCertificate(dsaCa), parseCertificate(root)]),
          createTrustStore([root]),
          new Date(),
        )
        return { status: chain.status, links: chain.links.length }
      }
      default:
        throw new Error(`unknown scenario ${scenario}`)
    }
  } finally {
    f.close()
    rmSync(f.dir, { recursive: true, force: true })
  }
}

run().then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exitCode = 1
  },
)
