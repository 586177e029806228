import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pem } from './certs'

function inTemp<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-sectigo-'))
  try {
    return f(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A certs-only PKCS#7 (DER) written by openssl, so the parser is not checked against its own writer. */
export function opensslPkcs7(ders: readonly Uint8Array[]): Uint8Array {
  return inTemp((dir) => {
    const bundle = join(dir, 'bundle.pem')
    const out = join(dir, 'out.p7b')
    writeFileSync(bundle, ders.map((d) => pem(d)).join(''))
    execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', bundle, '-outform', 'DER', '-out', out])
    return new Uint8Array(readFileSync(out))
  })
}

/** A ZIP written by Python's zipfile (deflated). */
export function pythonZip(files: Record<string, Uint8Array | string>): Uint8Array {
  return inTemp((dir) => {
    const names: string[] = []
    for (const [name, data] of Object.entries(files)) {
      writeFileSync(join(dir, name), data)
      names.push(name)
    }
    const out = join(dir, 'out.zip')
    const script = 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)\nfor n in sys.argv[3:]:\n    z.write(sys.argv[2] + "/" + n, n)\nz.close()\n'
    execFileSync('python3', ['-c', script, out, dir, ...names])
    return new Uint8Array(readFileSync(out))
  })
}

/** `openssl verify` of an ordered chain: leaf first, then intermediates, root last (trusted). */
export function opensslVerifies(chain: readonly Uint8Array[]): boolean {
  return inTemp((dir) => {
    const [leaf, ...rest] = chain
    const root = rest.pop()
    if (!leaf || !root) return false
    writeFileSync(join(dir, 'leaf.pem'), pem(leaf))
    writeFileSync(join(dir, 'root.pem'), pem(root))
    writeFileSync(join(dir, 'untrusted.pem'), rest.map((d) => pem(d)).join('') || pem(root))
    try {
      execFileSync('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'untrusted.pem'), join(dir, 'leaf.pem')], { stdio: 'pipe' })
      return true
    } catch {
      return false
    }
  })
}
