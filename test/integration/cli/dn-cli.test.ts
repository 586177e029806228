import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openssl, runBuiltCli } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()

/** The subject CertDesk writes for these fields: a comma, a plus, quotes, a backslash and non-ASCII text. */
const EXPECTED = 'CN=dn.example.com, OU=say \\"hi\\" \\\\ back, O=Müller\\, Zoë \\+ Co, C=DE'

function line(stdout: string, label: string): string {
  const found = stdout.split('\n').find((l) => l.startsWith(`${label}:`))
  if (!found) throw new Error(`no "${label}:" line in:\n${stdout}`)
  return found.slice(label.length + 1).trim()
}

describe('certdesk shows one subject the same way for a CSR and a certificate (built CLI)', () => {
  it('csr show and certs show print the same RFC 4514 subject, as openssl reads the certificate', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const made = runBuiltCli(['csr', 'new', '--type', 'ec-p256', '--c', 'DE', '--o', 'Müller, Zoë + Co', '--ou', 'say "hi" \\ back', '--cn', 'dn.example.com', '--out', join(dir, 'r.csr'), '--json'], { dataDir: data })
    expect(made.stderr).toBe('')
    const csr = JSON.parse(made.stdout) as { id: string }

    const cert = join(dir, 'c.pem')
    const subj = '/C=DE/O=Müller\\, Zoë \\+ Co/OU=say "hi" \\\\ back/CN=dn.example.com'
    expect(openssl(['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', cert, '-days', '30', '-utf8', '-subj', subj]).code).toBe(0)
    expect(runBuiltCli(['import', cert], { dataDir: data }).code).toBe(0)
    const [imported] = JSON.parse(runBuiltCli(['certs', 'list', '--all', '--json'], { dataDir: data }).stdout) as { id: string }[]

    const csrShown = line(runBuiltCli(['csr', 'show', csr.id], { dataDir: data }).stdout, 'Subject')
    const certShow = runBuiltCli(['certs', 'show', imported?.id ?? ''], { dataDir: data }).stdout
    expect(csrShown).toBe(EXPECTED)
    expect(line(certShow, 'Subject')).toBe(EXPECTED)
    expect(line(certShow, 'Issuer')).toBe(EXPECTED)
    const theirs = openssl(['x509', '-in', cert, '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb,utf8,sep_comma_plus_space']).stdout.trim()
    expect(theirs).toBe(`subject=${EXPECTED}`)
  })
})

describe('certdesk csr new --key', () => {
  it('takes the key type from the key, and refuses a --type that contradicts it', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const first = runBuiltCli(['csr', 'new', '--type', 'ec-p384', '--cn', 'one.example.com', '--out', join(dir, 'one.csr'), '--json'], { dataDir: data })
    expect(first.stderr).toBe('')
    const { keyId } = JSON.parse(first.stdout) as { keyId: string }

    const again = runBuiltCli(['csr', 'new', '--key', keyId, '--cn', 'two.example.com', '--out', join(dir, 'two.csr'), '--json'], { dataDir: data })
    expect(again.stderr).toBe('')
    expect(again.code).toBe(0)
    expect((JSON.parse(again.stdout) as { keyId: string }).keyId).toBe(keyId)
    const text = openssl(['req', '-in', join(dir, 'two.csr'), '-noout', '-text']).stdout
    expect(text).toMatch(/ASN1 OID: secp384r1/)
    const spki = (file: string): string => openssl(['req', '-in', join(dir, file), '-noout', '-pubkey']).stdout
    expect(spki('two.csr')).toBe(spki('one.csr'))

    const contradicted = runBuiltCli(['csr', 'new', '--key', keyId, '--type', 'rsa-2048', '--cn', 'three.example.com', '--out', join(dir, 'three.csr')], { dataDir: data })
    expect(contradicted.code).toBe(2)
    expect(contradicted.stderr).toContain(`--type rsa-2048 contradicts key ${keyId}, which is ec-p384`)
    const listed = JSON.parse(runBuiltCli(['csr', 'list', '--json'], { dataDir: data }).stdout) as unknown[]
    expect(listed).toHaveLength(2)
  })
})
