import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { type Estate, makeEstate, writeEstate } from '../../fixtures/estate/make-estate'
import { openssl, runBuiltCli } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
let estate: Estate

beforeAll(async () => {
  estate = await makeEstate({ certificates: 300, domains: 20, seed: 5 })
}, 120_000)

interface Listed {
  id: string
  fingerprintSha256: string
  fingerprintSha1: string
  dueState: string
  tags: string[]
}

describe('an estate through the built CLI', () => {
  it('imports folders and files in one command, refusing only the bad file, then lists, searches, tags, exports and streams it', () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    const { folder } = writeEstate(estate, join(dir, 'estate'))
    const bad = join(dir, 'bad.pem')
    writeFileSync(bad, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n')
    const cli = (...args: string[]) => runBuiltCli(args, { dataDir: data })

    const imported = cli('import', folder, bad)
    expect(imported.code).toBe(1)
    expect(imported.stderr.trim().split('\n')).toEqual([`certdesk: ${bad}: PEM block 1 ("CERTIFICATE") is not valid base64; the file may be truncated or edited.`])
    expect(imported.stdout).toContain(`${estate.leaves.length + 2 * estate.cas.length} certificates added`)
    expect(imported.stdout).toMatch(new RegExp(`Files: ${estate.leaves.length + 1} imported, 1 refused, 0 skipped`))

    const listed = cli('certs', 'list', '--json')
    expect(listed.code).toBe(0)
    const list = JSON.parse(listed.stdout) as Listed[]
    expect(list).toHaveLength(estate.leaves.length)
    expect(new Set(list.map((c) => c.fingerprintSha256))).toEqual(new Set(estate.leaves.map((l) => l.fingerprint)))
    expect(JSON.parse(cli('certs', 'list', '--all', '--json').stdout)).toHaveLength(estate.leaves.length + 2 * estate.cas.length)

    const due = JSON.parse(cli('certs', 'list', '--due', '--json').stdout) as Listed[]
    const expiring = cli('certs', 'expiring', '--json')
    expect(expiring.code).toBe(due.length > 0 ? 4 : 0)
    expect((JSON.parse(expiring.stdout) as { due: Listed[] }).due.map((c) => c.id).sort()).toEqual(due.map((c) => c.id).sort())
    expect(due.every((c) => c.dueState === 'due')).toBe(true)

    const target = estate.leaves[3]
    if (!target) throw new Error('estate too small')
    const found = JSON.parse(cli('certs', 'search', target.domain, '--json').stdout) as Listed[]
    expect(found.map((c) => c.fingerprintSha256).sort()).toEqual(estate.leaves.filter((l) => l.domain === target.domain).map((l) => l.fingerprint).sort())
    const one = list.find((c) => c.fingerprintSha256 === target.fingerprint)
    if (!one) throw new Error('target not listed')
    expect(cli('certs', 'show', one.id).stdout).toContain(`SHA-1:       ${one.fingerprintSha1}`)
    expect(cli('certs', 'tag', one.id, '--add', 'prod', '--add', 'eu').code).toBe(0)
    expect((JSON.parse(cli('certs', 'list', '--tag', 'prod', '--json').stdout) as Listed[]).map((c) => c.id)).toEqual([one.id])

    const csv = join(dir, 'inventory.csv')
    expect(cli('certs', 'inventory', '--out', csv).code).toBe(0)
    expect(readFileSync(csv, 'utf8').trim().split('\r\n')).toHaveLength(estate.leaves.length + 1)
    const ics = join(dir, 'expiry.ics')
    expect(cli('certs', 'inventory', '--due', '--out', ics).code).toBe(0)
    expect(readFileSync(ics, 'utf8').match(/BEGIN:VEVENT/g)).toHaveLength(2 * due.length)

    const out = join(dir, 'exported')
    const picked = list.slice(0, 3).map((c) => c.id)
    const exported = cli('export', ...picked, '--format', 'pem', '--out-dir', out)
    expect(exported.code, exported.stderr).toBe(0)
    const files = readdirSync(out)
    expect(files).toHaveLength(3)
    for (const f of files) expect(openssl(['x509', '-in', join(out, f), '-noout', '-subject']).code).toBe(0)

    expect(JSON.parse(cli('keys', 'list', '--json').stdout)).toEqual([])
    expect(JSON.parse(cli('csr', 'list', '--json').stdout)).toEqual([])
  })
})
