import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeCsr, readCsrInput, type DecodedCsr } from '../../../src-main/core/pki/csr-decode'
import { computeDcv } from '../../../src-main/core/pki/dcv'
import { lintCsr } from '../../../src-main/core/pki/lint'
import { makeTempDir, openssl, opensslIpToText, opensslSans, opensslSubjectRdns, runOpenssl } from './openssl'

const tmp = makeTempDir()
const KEYS = {
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  pss: ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'],
  ed25519: ['-algorithm', 'ED25519'],
} as const
type KeyName = keyof typeof KEYS

const HUNDRED_SANS = Array.from({ length: 100 }, (_, i) => `DNS:host-${i}.example.com`).join(',')

interface Case {
  name: string
  key: KeyName
  subject: string
  san?: string
  extra?: string[]
  keyType: DecodedCsr['keyType']
  signature: string
}

const CASES: Case[] = [
  {
    name: 'RSA with a UTF-8 subject',
    key: 'rsa',
    subject: '/C=DE/ST=Bayern/L=München/O=Müller GmbH/OU=Büro 東京/CN=www.example.com',
    san: 'DNS:www.example.com,DNS:example.com',
    keyType: 'rsa-2048',
    signature: 'sha256WithRSAEncryption',
  },
  {
    name: 'EC P-256 with emailAddress in the subject',
    key: 'p256',
    subject: '/O=Example/CN=p256.example.com/emailAddress=hostmaster@example.com',
    san: 'DNS:p256.example.com,email:hostmaster@example.com',
    keyType: 'ec-p256',
    signature: 'ecdsa-with-SHA256',
  },
  {
    name: 'EC P-384 signed with SHA-384',
    key: 'p384',
    subject: '/CN=p384.example.com',
    san: 'DNS:p384.example.com,DNS:*.p384.example.com',
    extra: ['-sha384'],
    keyType: 'ec-p384',
    signature: 'ecdsa-with-SHA384',
  },
  {
    name: '100 SANs',
    key: 'p256',
    subject: '/CN=host-0.example.com',
    san: HUNDRED_SANS,
    keyType: 'ec-p256',
    signature: 'ecdsa-with-SHA256',
  },
  {
    name: 'IPv4 and IPv6 SANs',
    key: 'p256',
    subject: '/CN=ip.example.com',
    san: 'IP:198.51.100.20,IP:2001:db8:0:0:1:0:0:1,IP:::1,IP:fe80::1:2,IP:2606:4700:4700::1111,DNS:ip.example.com',
    keyType: 'ec-p256',
    signature: 'ecdsa-with-SHA256',
  },
  {
    name: 'no SAN extension at all',
    key: 'rsa',
    subject: '/CN=nosan.example.com',
    keyType: 'rsa-2048',
    signature: 'sha256WithRSAEncryption',
  },
  {
    name: 'a multi-valued RDN',
    key: 'p256',
    subject: '/O=Org/CN=mv.example.com+OU=Ops',
    san: 'DNS:mv.example.com',
    extra: ['-multivalue-rdn'],
    keyType: 'ec-p256',
    signature: 'ecdsa-with-SHA256',
  },
  {
    name: 'an empty subject with SANs only',
    key: 'p256',
    subject: '/',
    san: 'DNS:nosubject.example.com',
    keyType: 'ec-p256',
    signature: 'ecdsa-with-SHA256',
  },
  {
    name: 'an RSA-PSS key',
    key: 'pss',
    subject: '/CN=pss.example.com',
    san: 'DNS:pss.example.com',
    keyType: null,
    signature: 'rsassaPss',
  },
  {
    name: 'an RSA key with a PSS signature',
    key: 'rsa',
    subject: '/CN=psssig.example.com',
    san: 'DNS:psssig.example.com',
    extra: ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-sha384'],
    keyType: 'rsa-2048',
    signature: 'rsassaPss',
  },
  {
    name: 'an Ed25519 key',
    key: 'ed25519',
    subject: '/CN=ed.example.com',
    san: 'DNS:ed.example.com',
    keyType: null,
    signature: 'ED25519',
  },
  {
    name: 'URI and other unusual SAN types',
    key: 'p256',
    subject: '/CN=odd.example.com',
    san: 'DNS:odd.example.com,URI:https://odd.example.com/x,RID:1.2.3.4,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com,dirName:dir_sect',
    keyType: 'ec-p256',
    signature: 'ecdsa-with-SHA256',
  },
]

const csrFiles = new Map<string, string>()

beforeAll(async () => {
  await Promise.all(
    Object.entries(KEYS).map(([name, args]) =>
      openssl(['genpkey', ...args, '-out', tmp.path(`${name}.key`)]),
    ),
  )
  writeFileSync(
    tmp.path('dir.cnf'),
    '[req]\ndistinguished_name = dn\n[dn]\n[dir_sect]\nC = DE\nO = Dir Org\nCN = Dir Name\n',
  )
  for (const [i, c] of CASES.entries()) {
    const file = tmp.path(`case-${i}.csr`)
    const args = [
      'req',
      '-new',
      '-key',
      tmp.path(`${c.key}.key`),
      '-utf8',
      '-subj',
      c.subject,
      '-config',
      tmp.path('dir.cnf'),
      '-out',
      file,
      ...(c.extra ?? []),
    ]
    if (c.san) args.push('-addext', `subjectAltName=${c.san}`)
    await openssl(args)
    csrFiles.set(c.name, file)
  }
})
afterAll(() => tmp.remove())

function fileOf(c: Case): string {
  const f = csrFiles.get(c.name)
  if (!f) throw new Error(`no CSR for ${c.name}`)
  return f
}

/** Our SANs in openssl's notation. */
function asOpenssl(d: DecodedCsr): string[] {
  return [
    ...d.sans.map((s) =>
      s.type === 'dns' ? `DNS:${s.value}` : s.type === 'ip' ? `IP Address:${s.value}` : `email:${s.value}`,
    ),
    ...d.otherSans,
  ]
}

function opensslSanNormalized(sans: string[]): string[] {
  return sans.map((s) =>
    s.startsWith('IP Address:') ? `IP Address:${opensslIpToText(s.slice('IP Address:'.length))}` : s,
  )
}

describe.each(CASES)('an openssl CSR with $name', (c) => {
  it('decodes to the subject, SANs, key and signature algorithm openssl shows', async () => {
    const file = fileOf(c)
    const pem = readFileSync(file, 'utf8')
    const d = await decodeCsr(readCsrInput(pem))

    const rdns =
      d.subject.dn === ''
        ? []
        : d.subject.dn
            .split(', ')
            .reverse()
            .map((r) => r.split('+').reverse().join(' + '))
    expect(rdns).toEqual(await opensslSubjectRdns(file))

    const theirs = opensslSanNormalized(await opensslSans(file))
    const ours = asOpenssl(d)
    const typed = ours.filter((s) => /^(DNS|IP Address|email):/.test(s))
    expect(typed).toEqual(theirs.filter((s) => /^(DNS|IP Address|email):/.test(s)))
    expect(ours.length).toBe(theirs.length)

    const text = (await openssl(['req', '-in', file, '-noout', '-text'])).stdout
    expect(text).toContain(`Signature Algorithm: ${c.signature}`)
    expect(d.signatureAlgorithm).toBe(c.signature)
    expect(d.keyType).toBe(c.keyType)
    expect(d.signatureValid).toBe(true)
    expect((await openssl(['req', '-in', file, '-noout', '-verify'])).stderr).toContain('verify OK')

    const pub = await openssl(['req', '-in', file, '-noout', '-pubkey'])
    const spki = (await openssl(['pkey', '-pubin', '-outform', 'DER'], { input: pub.stdout })).bytes
    expect(d.publicKey.spkiSha256).toBe(createHash('sha256').update(spki).digest('hex'))

    const der = (await openssl(['req', '-in', file, '-outform', 'DER'])).bytes
    expect(d.der.equals(der)).toBe(true)
    expect(d.pem).toBe(pem)
    expect(d.challengePassword).toBe(false)
  })

  it('gives DCV hashes equal to md5sum and sha256sum of the DER', async () => {
    const der = (await openssl(['req', '-in', fileOf(c), '-outform', 'DER'])).bytes
    writeFileSync(tmp.path('dcv.der'), der)
    const md5sum = runShell(`md5sum ${tmp.path('dcv.der')}`)
      .split(' ')[0]
      ?.toUpperCase()
    const sha256sum = runShell(`sha256sum ${tmp.path('dcv.der')}`).split(' ')[0]
    const dcv = computeDcv(readCsrInput(readFileSync(fileOf(c), 'utf8')))
    expect(dcv.md5).toBe(md5sum)
    expect(dcv.sha256).toBe(sha256sum)
  })
})

function runShell(cmd: string): string {
  return execFileSync('sh', ['-c', cmd], { encoding: 'utf8' })
}

describe('decodeCsr details', () => {
  it('reads IPv6 SANs in RFC 5952 text form', async () => {
    const d = await decodeCsr(readCsrInput(readFileSync(fileOf(CASES[4] as Case), 'utf8')))
    expect(d.sans.filter((s) => s.type === 'ip').map((s) => s.value)).toEqual([
      '198.51.100.20',
      '2001:db8::1:0:0:1',
      '::1',
      'fe80::1:2',
      '2606:4700:4700::1111',
    ])
  })

  it('lists the other SAN types in otherSans', async () => {
    const d = await decodeCsr(readCsrInput(readFileSync(fileOf(CASES[11] as Case), 'utf8')))
    expect(d.otherSans).toEqual([
      'URI:https://odd.example.com/x',
      'RID:1.2.3.4',
      'otherName:UPN:user@example.com',
      'DirName:CN=Dir Name, O=Dir Org, C=DE',
    ])
  })

  it('gives the subject as an RFC 4514 string and the first value of each field', async () => {
    const d = await decodeCsr(readCsrInput(readFileSync(fileOf(CASES[0] as Case), 'utf8')))
    expect(d.subject.dn).toBe('CN=www.example.com, OU=Büro 東京, O=Müller GmbH, L=München, ST=Bayern, C=DE')
    expect(d.subject).toMatchObject({
      cn: 'www.example.com',
      o: 'Müller GmbH',
      ou: 'Büro 東京',
      l: 'München',
      st: 'Bayern',
      c: 'DE',
      email: null,
    })
    expect(d.extensions).toEqual([{ oid: '2.5.29.17', name: 'subjectAltName', critical: false }])
    expect(d.publicKey).toMatchObject({ algorithm: 'rsa', bits: 2048, curve: null })
  })

  it('escapes RFC 4514 special characters in the DN string as openssl does', async () => {
    const file = tmp.path('escape.csr')
    await openssl([
      'req',
      '-new',
      '-key',
      tmp.path('p256.key'),
      '-subj',
      '/O=Smith, Jones \\+ Partners/CN=#hash.example.com/OU= lead space',
      '-out',
      file,
    ])
    const d = await decodeCsr(readCsrInput(readFileSync(file, 'utf8')))
    expect(d.subject.dn).toBe('OU=\\ lead space, CN=\\#hash.example.com, O=Smith\\, Jones \\+ Partners')
    expect(d.subject.o).toBe('Smith, Jones + Partners')
    const rfc2253 = (
      await openssl(['req', '-in', file, '-noout', '-subject', '-nameopt', 'RFC2253'])
    ).stdout.trim()
    expect(rfc2253).toBe(`subject=${d.subject.dn.replace(/(?<!\\), /g, ',')}`)
  })

  it('reports that a challenge password is present without returning it', async () => {
    const cnf = tmp.path('cp.cnf')
    writeFileSync(
      cnf,
      '[req]\nprompt = no\ndistinguished_name = dn\nattributes = attrs\n[dn]\nCN = cp.example.com\n[attrs]\nchallengePassword = s3cretChallenge\n',
    )
    const file = tmp.path('cp.csr')
    await openssl(['req', '-new', '-key', tmp.path('p256.key'), '-config', cnf, '-out', file])
    const d = await decodeCsr(readCsrInput(readFileSync(file, 'utf8')))
    expect(d.challengePassword).toBe(true)
    expect(JSON.stringify({ ...d, der: null, pem: null })).not.toContain('s3cretChallenge')
  })

  it('reports critical requested extensions by name', async () => {
    const file = tmp.path('ku.csr')
    await openssl([
      'req',
      '-new',
      '-key',
      tmp.path('p256.key'),
      '-subj',
      '/CN=ku.example.com',
      '-addext',
      'keyUsage=critical,digitalSignature',
      '-addext',
      'extendedKeyUsage=serverAuth',
      '-addext',
      'subjectAltName=DNS:ku.example.com',
      '-out',
      file,
    ])
    const d = await decodeCsr(readCsrInput(readFileSync(file, 'utf8')))
    expect(d.extensions).toEqual([
      { oid: '2.5.29.15', name: 'keyUsage', critical: true },
      { oid: '2.5.29.37', name: 'extKeyUsage', critical: false },
      { oid: '2.5.29.17', name: 'subjectAltName', critical: false },
    ])
  })

  it('marks a CSR whose signature was tampered with as invalid instead of throwing, and lint makes it an error', async () => {
    for (const c of CASES) {
      const der = Buffer.from((await openssl(['req', '-in', fileOf(c), '-outform', 'DER'])).bytes)
      der[der.length - 3] = (der[der.length - 3] ?? 0) ^ 0x10
      const check = await runOpenssl(['req', '-inform', 'DER', '-noout', '-verify'], { input: der })
      expect(check.stdout + check.stderr).not.toContain('verify OK')
      const d = await decodeCsr(der)
      expect(d.signatureValid).toBe(false)
      expect(lintCsr(d).map((f) => f.id)).toContain('signature-invalid')
    }
  })

  it('marks a CSR whose signed data was altered as invalid', async () => {
    const der = Buffer.from(
      (await openssl(['req', '-in', fileOf(CASES[0] as Case), '-outform', 'DER'])).bytes,
    )
    const at = der.indexOf(Buffer.from('www.example.com'))
    der[at] = 'v'.charCodeAt(0)
    const d = await decodeCsr(der)
    expect(d.subject.cn).toBe('vww.example.com')
    expect(d.signatureValid).toBe(false)
  })

  it('refuses DER with bytes after the request', async () => {
    const der = (await openssl(['req', '-in', fileOf(CASES[1] as Case), '-outform', 'DER'])).bytes
    await expect(decodeCsr(Buffer.concat([der, Buffer.from([0])]))).rejects.toMatchObject({
      code: 'bad_format',
    })
  })
})
