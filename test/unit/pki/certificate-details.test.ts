import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { type Asn1DumpNode, dumpAsn1 } from '../../../src-main/core/pki/asn1/dump'
import { certificateDetails } from '../../../src-main/core/pki/certificate-details'
import { openssl } from '../../fixtures/certs/pki-fixtures'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()

/** Two RFC 6962 SCTs (version 1, a log id, a timestamp, no extensions, an ECDSA signature), TLS-encoded in an OCTET STRING. */
function sctListHex(): string {
  const sct = (seed: number): Buffer => {
    const ts = Buffer.alloc(8)
    ts.writeBigUInt64BE(1_700_000_000_000n + BigInt(seed))
    const sig = Buffer.from('3006020101020102', 'hex')
    const body = Buffer.concat([Buffer.from([0]), Buffer.alloc(32, seed), ts, Buffer.from([0, 0, 4, 3]), Buffer.from([0, sig.length]), sig])
    return Buffer.concat([Buffer.from([body.length >> 8, body.length & 0xff]), body])
  }
  const list = Buffer.concat([sct(1), sct(2)])
  const tls = Buffer.concat([Buffer.from([list.length >> 8, list.length & 0xff]), list])
  return Buffer.concat([Buffer.from([0x04, tls.length]), tls]).toString('hex')
}

let pem = ''
let der = Buffer.alloc(0)
let text = ''

beforeAll(() => {
  const dir = tempDir()
  const f = (n: string) => join(dir, n)
  writeFileSync(
    f('ext.cnf'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      'subjectAltName=DNS:shop.example.com,DNS:www.shop.example.com,IP:192.0.2.10',
      'authorityInfoAccess=OCSP;URI:http://ocsp.example.test,caIssuers;URI:http://ca.example.test/issuer.crt',
      'crlDistributionPoints=URI:http://crl.example.test/issuer.crl',
      'certificatePolicies=2.23.140.1.2.2,@cps',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      `1.3.6.1.4.1.11129.2.4.2=DER:${sctListHex()}`,
      '[cps]',
      'policyIdentifier=1.3.6.1.4.1.6449.1.2.2.7',
      'CPS.1=https://cps.example.test/',
      '',
    ].join('\n'),
  )
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-subj', '/CN=Test CA/O=Test', '-days', '30'])
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', '/CN=shop.example.com/O=Shop Ltd'])
  openssl(['x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '20', '-extfile', f('ext.cnf'), '-out', f('leaf.pem')])
  openssl(['x509', '-in', f('leaf.pem'), '-outform', 'DER', '-out', f('leaf.der')])
  pem = readFileSync(f('leaf.pem'), 'utf8')
  der = readFileSync(f('leaf.der'))
  text = openssl(['x509', '-in', f('leaf.pem'), '-noout', '-text'])
})

/** The lines under an `openssl x509 -text` heading, up to the next heading of the same indent. */
function section(heading: string): string[] {
  const lines = text.split('\n')
  const at = lines.findIndex((l) => l.trim().startsWith(heading))
  if (at < 0) return []
  const indent = (lines[at] ?? '').search(/\S/)
  const out: string[] = []
  for (const l of lines.slice(at + 1)) {
    if (l.trim() === '' || l.search(/\S/) <= indent) break
    out.push(l.trim())
  }
  return out
}

function fingerprint(alg: 'sha1' | 'sha256'): string {
  return (openssl(['x509', '-noout', '-fingerprint', `-${alg}`], { input: pem }).split('=')[1] ?? '').trim().replace(/:/g, '').toLowerCase()
}

describe('certificate details', () => {
  it('reads what openssl x509 -text shows: usages, thumbprints, serial, signature, AIA, CRLs, policies, SCTs', () => {
    const d = certificateDetails(der)
    expect(d.version).toBe(3)
    expect(d.serialColons).toBe(section('Serial Number:')[0])
    expect(d.signatureAlgorithm.name).toBe(/Signature Algorithm: (\S+)/.exec(text)?.[1])
    expect(d.publicKey).toBe('rsa-2048')
    expect(d.thumbprints).toEqual({ sha1: fingerprint('sha1'), sha256: fingerprint('sha256') })
    expect(d.keyUsage).toEqual({ critical: true, usages: section('X509v3 Key Usage')[0]?.split(', ') })
    expect(d.extendedKeyUsage?.usages.map((u) => u.name)).toEqual(section('X509v3 Extended Key Usage')[0]?.split(', '))
    expect(d.basicConstraints).toEqual({ critical: true, ca: false, pathLength: null })
    expect(d.subjectKeyId?.toUpperCase()).toBe(section('X509v3 Subject Key Identifier')[0])
    expect(d.authorityKeyId?.toUpperCase()).toBe(section('X509v3 Authority Key Identifier')[0]?.replace(/^keyid:/, ''))
    const aia = section('Authority Information Access')
    expect(d.aia).toEqual({
      ocsp: aia.filter((l) => l.startsWith('OCSP - URI:')).map((l) => l.slice('OCSP - URI:'.length)),
      caIssuers: aia.filter((l) => l.startsWith('CA Issuers - URI:')).map((l) => l.slice('CA Issuers - URI:'.length)),
    })
    expect(d.crlDistributionPoints).toEqual(section('X509v3 CRL Distribution Points').filter((l) => l.startsWith('URI:')).map((l) => l.slice(4)))
    const policies = section('X509v3 Certificate Policies')
    expect(d.policies.map((p) => p.oid)).toEqual(policies.filter((l) => l.startsWith('Policy: ')).map((l) => l.slice(8)))
    expect(d.policies.flatMap((p) => p.cps)).toEqual(policies.filter((l) => l.startsWith('CPS: ')).map((l) => l.slice(5)))
    expect(d.policies[0]?.name).toBe('Organization Validated (CA/B Forum)')
    expect(d.sctCount).toBe(section('CT Precertificate SCTs').filter((l) => l === 'Signed Certificate Timestamp:').length)
    expect(d.sctCount).toBe(2)
    expect(d.problems).toEqual([])
  })

  it('reports an extension it cannot read instead of failing the page', () => {
    // The SCT list's length is cut by one byte inside the extension; the rest reads as before.
    const at = der.indexOf(Buffer.from(sctListHex(), 'hex'))
    expect(at).toBeGreaterThan(0)
    const damaged = Buffer.from(der)
    damaged[at + 3] = (damaged[at + 3] ?? 0) - 1
    const d = certificateDetails(damaged)
    expect(d.sctCount).toBeNull()
    expect(d.problems).toEqual([expect.stringMatching(/^ctPrecertificateScts could not be read: the SCT list length does not match/) as unknown])
    expect(d.keyUsage?.usages).toEqual(['Digital Signature', 'Key Encipherment'])
  })
})

describe('the raw ASN.1 view', () => {
  it('has every element openssl asn1parse lists, at the same offset, depth and lengths, with the same values', () => {
    const dump = dumpAsn1(der)
    expect(dump.truncated).toBe(false)
    const ours: { offset: number; depth: number; hl: number; l: number; cons: boolean; node: Asn1DumpNode }[] = []
    const walk = (n: Asn1DumpNode, depth: number): void => {
      ours.push({ offset: n.offset, depth, hl: n.headerLength, l: n.length, cons: n.constructed, node: n })
      for (const c of n.children ?? []) walk(c, depth + 1)
    }
    walk(dump.root, 0)
    const names: Record<string, string> = {
      SEQUENCE: 'SEQUENCE',
      SET: 'SET',
      INTEGER: 'INTEGER',
      OBJECT: 'OBJECT IDENTIFIER',
      UTF8STRING: 'UTF8String',
      PRINTABLESTRING: 'PrintableString',
      UTCTIME: 'UTCTime',
      'BIT STRING': 'BIT STRING',
      'OCTET STRING': 'OCTET STRING',
      BOOLEAN: 'BOOLEAN',
      NULL: 'NULL',
    }
    const derFile = join(tempDir(), 'leaf.der')
    writeFileSync(derFile, der)
    const theirs = openssl(['asn1parse', '-inform', 'DER', '-in', derFile])
      .split('\n')
      .filter((l) => /^\s*\d+:d=/.test(l))
    expect(theirs.length).toBe(ours.length)
    for (const [i, line] of theirs.entries()) {
      const m = /^\s*(\d+):d=(\d+)\s+hl=(\d+) l=\s*(\d+) (cons|prim): (cont \[ (\d+) \]|[A-Z0-9 ]+?)\s*(?:\[HEX DUMP\])?(?::(.*))?$/.exec(line)
      if (!m) throw new Error(`unexpected asn1parse line: ${line}`)
      const o = ours[i]
      expect({ offset: o?.offset, depth: o?.depth, hl: o?.hl, l: o?.l, cons: o?.cons }, line).toEqual({ offset: Number(m[1]), depth: Number(m[2]), hl: Number(m[3]), l: Number(m[4]), cons: m[5] === 'cons' })
      expect(o?.node.tag, line).toBe(m[7] !== undefined ? `[${m[7]}]` : (names[m[6]?.trim() ?? ''] ?? m[6]?.trim()))
      const value = m[8]?.trim()
      if (o?.node.tag === 'UTF8String' || o?.node.tag === 'PrintableString') expect(o.node.value).toBe(value)
      if (o?.node.tag === 'INTEGER' && value) expect(BigInt(`0x${value}`).toString(10) === o.node.value || o.node.value?.startsWith(value.toLowerCase().slice(0, 16))).toBe(true)
    }
  })

  it('opens the DER inside extensions, as dumpasn1 does', () => {
    const dump = dumpAsn1(der)
    const values = (n: Asn1DumpNode): string[] => [n.value ?? '', ...(n.children ?? []).flatMap(values), ...(n.encapsulated ? values(n.encapsulated) : [])]
    const inside = (n: Asn1DumpNode): string[] => [...(n.children ?? []).flatMap(inside), ...(n.encapsulated ? values(n.encapsulated) : [])]
    const encapsulated = inside(dump.root)
    expect(encapsulated).toContain('1.3.6.1.5.5.7.48.1 (OCSP)')
    expect(encapsulated).toContain('http://crl.example.test/issuer.crl')
    expect(encapsulated).toContain('shop.example.com')
  })
})
