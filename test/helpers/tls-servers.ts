import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer as createTlsServer, type TLSSocket } from 'node:tls'
import 'reflect-metadata'
import { webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'

/** A test PKI made by openssl: root -> intermediate(s) -> leaves, each file PEM. */
export interface TestPki {
  dir: string
  rootPem: string
  /** Issuing CA first (the one that signs the leaves), then up towards the root. */
  intermediatePems: string[]
  /** Makes a leaf for these DNS names / IPs, valid from `daysFrom` to `daysTo` relative to now. */
  leaf(opts: { name: string; sans?: string[]; days?: number }): { certPem: string; keyPem: string }
  /** A leaf whose validity is wholly in the past (openssl 3.0's x509 cannot set dates, so @peculiar/x509 signs it with the same CA key). */
  expiredLeaf(name: string): Promise<{ certPem: string; keyPem: string }>
  close(): void
}

function run(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`)
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
let serial = 1000

/** `intermediates` CAs below the root (1 or 2); leaves are signed by the lowest. */
export function makePki(opts: { intermediates?: 1 | 2; name?: string } = {}): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-pki-'))
  const label = opts.name ?? 'CertDesk Test'
  run(['req', '-x509', '-new', ...EC, '-keyout', 'root.key', '-out', 'root.pem', '-days', '3650', '-subj', `/O=${label}/CN=${label} Root`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir)
  writeFileSync(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
  let signer = 'root'
  const chain: string[] = []
  for (let i = 1; i <= (opts.intermediates ?? 1); i++) {
    const n = `int${i}`
    run(['req', '-new', ...EC, '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/O=${label}/CN=${label} Intermediate ${i}`], dir)
    run(['x509', '-req', '-in', `${n}.csr`, '-CA', `${signer}.pem`, '-CAkey', `${signer}.key`, '-set_serial', String(serial++), '-out', `${n}.pem`, '-days', '1825', '-extfile', 'ca.ext'], dir)
    chain.unshift(readFileSync(join(dir, `${n}.pem`), 'utf8'))
    signer = n
  }
  let leaves = 0
  return {
    dir,
    rootPem: readFileSync(join(dir, 'root.pem'), 'utf8'),
    intermediatePems: chain,
    leaf: ({ name, sans, days }) => {
      const n = `leaf${++leaves}`
      run(['req', '-new', ...EC, '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/CN=${name}`], dir)
      const names = (sans ?? [name]).map((s) => (/^[\d.:]+$/.test(s) ? `IP:${s}` : `DNS:${s}`)).join(',')
      writeFileSync(join(dir, `${n}.ext`), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${names}\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n`)
      run(['x509', '-req', '-in', `${n}.csr`, '-CA', `${signer}.pem`, '-CAkey', `${signer}.key`, '-set_serial', String(serial++), '-out', `${n}.pem`, '-days', String(days ?? 90), '-extfile', `${n}.ext`], dir)
      return { certPem: readFileSync(join(dir, `${n}.pem`), 'utf8'), keyPem: readFileSync(join(dir, `${n}.key`), 'utf8') }
    },
    expiredLeaf: async (name) => {
      x509.cryptoProvider.set(webcrypto as unknown as Crypto)
      const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
      const caDer = Buffer.from(readFileSync(join(dir, `${signer}.key`), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64')
      const caKey = await webcrypto.subtle.importKey('pkcs8', caDer, alg, false, ['sign'])
      const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])
      const issuer = new x509.X509Certificate(readFileSync(join(dir, `${signer}.pem`), 'utf8'))
      const cert = await x509.X509CertificateGenerator.create({
        subject: `CN=${name}`,
        issuer: issuer.subjectName,
        publicKey: keys.publicKey,
        signingKey: caKey,
        signingAlgorithm: alg,
        serialNumber: (serial++).toString(16).padStart(4, '0'),
        notBefore: new Date('2020-01-01T00:00:00Z'),
        notAfter: new Date('2020-03-01T00:00:00Z'),
        extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: name }]), await x509.AuthorityKeyIdentifierExtension.create(issuer.publicKey)],
      })
      const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64')
      return { certPem: `${cert.toString('pem')}\n`, keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END PRIVATE KEY-----\n` }
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export interface TlsServer {
  port: number
  /** Bytes of application data the server received (must stay 0: the check sends none). */
  appBytes: number
  /** Server names clients asked for (SNI). */
  servernames: (string | false | null)[]
  close(): Promise<void>
}

/**
 * node:tls on 127.0.0.1 serving `certPems` in exactly this order (the first must be the leaf: node
 * sends the rest as the chain, in file order).
 */
export async function startTlsServer(opts: { certPems: string[]; keyPem: string; maxVersion?: 'TLSv1' | 'TLSv1.2' | 'TLSv1.3'; ocspStaple?: Buffer; host?: string }): Promise<TlsServer> {
  const sockets = new Set<TLSSocket>()
  const state = { appBytes: 0, servernames: [] as (string | false | null)[] }
  // TLS 1.0 needs OpenSSL's security level 0 on the server too.
  const old = opts.maxVersion === 'TLSv1' ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT:@SECLEVEL=0' } : {}
  const server = createTlsServer({ cert: opts.certPems.join(''), key: opts.keyPem, ...old, ...(opts.maxVersion ? { maxVersion: opts.maxVersion } : {}) }, (s) => {
    sockets.add(s)
    state.servernames.push(s.servername)
    s.on('data', (d: Buffer) => (state.appBytes += d.length))
    s.on('error', () => undefined)
    s.on('close', () => sockets.delete(s))
  })
  if (opts.ocspStaple) server.on('OCSPRequest', (_c, _i, cb: (e: Error | null, r?: Buffer) => void) => cb(null, opts.ocspStaple))
  await new Promise<void>((resolve) => server.listen(0, opts.host ?? '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    get appBytes() {
      return state.appBytes
    },
    servernames: state.servernames,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A TCP server that accepts and never says a word (the timeout case). */
export async function startSilentServer(): Promise<{ port: number; accepted: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const state = { accepted: 0 }
  const server = createNetServer((s) => {
    state.accepted++
    sockets.add(s)
    s.on('error', () => undefined)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    get accepted() {
      return state.accepted
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** `openssl s_server` serving a leaf and a chain file (in file order), logging every TLS message it sees (-msg). */
export async function startOpensslServer(opts: { certPem: string; keyPem: string; chainPems: string[]; extra?: string[] }): Promise<{ port: number; log(): string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-s-server-'))
  writeFileSync(join(dir, 'cert.pem'), opts.certPem)
  writeFileSync(join(dir, 'key.pem'), opts.keyPem)
  writeFileSync(join(dir, 'chain.pem'), opts.chainPems.join(''))
  const probe = createNetServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as AddressInfo).port
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  const args = ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', 'cert.pem', '-key', 'key.pem', ...(opts.chainPems.length ? ['-cert_chain', 'chain.pem'] : []), '-msg', '-ign_eof', ...(opts.extra ?? [])]
  const child: ChildProcess = spawn('openssl', args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('latin1')))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString('latin1')))
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (out.includes('ACCEPT')) resolve()
    }
    child.stdout?.on('data', check)
    child.once('exit', (code) => reject(new Error(`openssl s_server exited (${code}): ${out}`)))
  })
  return {
    port,
    log: () => out,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true })
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}
