import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { verifyCollected } from '../../../src-main/core/orders/verify-collected'
import { createTrustStore } from '../../../src-main/core/pki/chain/trust-store'
import { parseCertificate } from '../../../src-main/core/pki/formats/certificate'
import { decodePemBlocks } from '../../../src-main/core/pki/pem'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const der = (file: string): Buffer => decodePemBlocks(readFileSync(file, 'utf8'))[0]?.der ?? Buffer.alloc(0)

/** A root, an intermediate, leaves for two keys, and a "CA" without CA:TRUE, all made by openssl. */
let pki: { root: Buffer; inter: Buffer; leaf: Buffer; otherKeyLeaf: Buffer; notCa: Buffer; leafUnderNotCa: Buffer; dir: string }

function openssl(args: string[], dir: string): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
}

beforeAll(() => {
  const dir = tempDir()
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  writeFileSync(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
  writeFileSync(join(dir, 'notca.ext'), 'basicConstraints=critical,CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
  writeFileSync(join(dir, 'leaf.ext'), 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:www.example.com\nauthorityKeyIdentifier=keyid\n')
  openssl(['req', '-x509', ...ec, '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/CN=Test Root', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir)
  const sign = (name: string, subj: string, ca: string, ext: string, key = name): void => {
    openssl(['req', '-new', ...(key === name ? ec : ['-key', `${key}.key`]), ...(key === name ? ['-keyout', `${name}.key`] : []), '-out', `${name}.csr`, '-subj', subj], dir)
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '20', '-extfile', ext], dir)
  }
  sign('inter', '/CN=Test Intermediate', 'root', 'ca.ext')
  sign('leaf', '/CN=www.example.com', 'inter', 'leaf.ext')
  sign('other', '/CN=www.example.com', 'inter', 'leaf.ext')
  sign('notca', '/CN=Not A CA', 'root', 'notca.ext')
  sign('undernotca', '/CN=www.example.com', 'notca', 'leaf.ext', 'leaf')
  pki = { root: der(join(dir, 'root.pem')), inter: der(join(dir, 'inter.pem')), leaf: der(join(dir, 'leaf.pem')), otherKeyLeaf: der(join(dir, 'other.pem')), notCa: der(join(dir, 'notca.pem')), leafUnderNotCa: der(join(dir, 'undernotca.pem')), dir }
})

const spki = (d: Buffer): string => parseCertificate(d).spkiSha256

describe('checks on a collected certificate before it is stored', () => {
  const base = () => ({ expectedSpkiSha256: spki(pki.leaf), names: ['www.example.com'], trust: createTrustStore([pki.root]), acceptUntrustedRoot: false, now: new Date() })

  it('accepts the right key, the ordered names and a chain that verifies to the trusted root, whatever order the chain came in', () => {
    const r = verifyCollected({ ...base(), bundle: { leafDer: pki.leaf, caDers: [pki.root, pki.inter], unlinkedDers: [] } })
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.cas.map((c) => c.subject)).toEqual(['CN=Test Intermediate', 'CN=Test Root'])
  })

  it('refuses a certificate for another public key than the order\'s CSR', () => {
    const r = verifyCollected({ ...base(), bundle: { leafDer: pki.otherKeyLeaf, caDers: [pki.inter, pki.root], unlinkedDers: [] } })
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/another public key/) as unknown })
  })

  it('refuses a certificate that does not cover an ordered name', () => {
    const r = verifyCollected({ ...base(), names: ['www.example.com', 'shop.example.com'], bundle: { leafDer: pki.leaf, caDers: [pki.inter], unlinkedDers: [] } })
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/does not cover shop\.example\.com/) as unknown })
  })

  it('refuses a chain that does not reach a trusted root, unless test mode accepts an untrusted one', () => {
    const untrusted = { ...base(), trust: createTrustStore([]), bundle: { leafDer: pki.leaf, caDers: [pki.inter, pki.root], unlinkedDers: [] } }
    expect(verifyCollected(untrusted)).toMatchObject({ ok: false, reason: expect.stringMatching(/untrusted-root/) as unknown })
    expect(verifyCollected({ ...untrusted, acceptUntrustedRoot: true }).ok).toBe(true)
    expect(verifyCollected({ ...base(), bundle: { leafDer: pki.leaf, caDers: [], unlinkedDers: [] } })).toMatchObject({ ok: false, reason: expect.stringMatching(/incomplete/) as unknown })
  })

  it('refuses a chain whose "intermediate" is not a CA', () => {
    const r = verifyCollected({ ...base(), bundle: { leafDer: pki.leafUnderNotCa, caDers: [pki.notCa, pki.root], unlinkedDers: [] } })
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/not-a-ca/) as unknown })
  })

  it('refuses a certificate that has expired by server time', () => {
    const r = verifyCollected({ ...base(), now: new Date(Date.now() + 40 * 86_400_000), bundle: { leafDer: pki.leaf, caDers: [pki.inter, pki.root], unlinkedDers: [] } })
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/expired/) as unknown })
  })
})
