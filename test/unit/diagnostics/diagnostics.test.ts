import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildDiagnostics, DIAGNOSTICS_LOG_LINES, recentLogLines } from '../../../src-main/core/diagnostics/diagnostics'
import { LOG_FILE_NAME } from '../../../src-main/core/log/file-sink'
import { createTrustStoreFromGroups } from '../../../src-main/core/pki/chain/trust-store'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()
const trustStore = createTrustStoreFromGroups([], { os: true, detail: "Roots come from the operating system's trust store." })
const base = (dataDir: string) => ({ version: '0.1.0', frontDoor: 'electron' as const, dataDir, trustStore, network: { client: 'injected' as const, proxy: null }, now: new Date('2026-12-06T10:00:00Z') })

describe('the diagnostics bundle', () => {
  it('holds versions, the trust store and the last log lines, with secrets and the data folder path removed', async () => {
    const dataDir = tempDir()
    const lines = Array.from({ length: DIAGNOSTICS_LOG_LINES + 20 }, (_, i) => JSON.stringify({ msg: `line ${i}`, file: join(dataDir, 'certdesk.db'), body: `loginName=a&loginPassword=Hunter2-${i}` }))
    lines.push('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----')
    writeFileSync(join(dataDir, LOG_FILE_NAME), `${lines.join('\n')}\n`)
    const { text } = await buildDiagnostics(base(dataDir))
    expect(text).toContain('CertDesk 0.1.0 diagnostics')
    expect(text).toMatch(/node: \d+\.\d+\.\d+/)
    expect(text).toContain("trust store: Roots come from the operating system's trust store.")
    expect(text).toContain("sectigo calls: the desktop app's network stack")
    expect(text).toContain('line 79')
    expect(text).not.toContain('line 19"')
    expect(text).not.toMatch(/Hunter2/)
    expect(text).not.toContain('MIIEvQIBADANBg')
    expect(text).not.toContain(dataDir)
    expect(text).toContain('<data folder>')
    expect(text).toContain('Not part of this build (certdesk doctor).')
  })

  it('takes the doctor report at its plug-in point, redacted, and survives a failing doctor', async () => {
    const dataDir = tempDir()
    const ok = await buildDiagnostics({ ...base(dataDir), doctor: () => `keychain: ok\nproxy: http://me:s3cret@proxy:3128 in ${dataDir}` })
    expect(ok.text).toContain('keychain: ok')
    expect(ok.text).not.toContain('s3cret')
    expect(ok.text).not.toContain(dataDir)
    const failed = await buildDiagnostics({ ...base(dataDir), doctor: () => Promise.reject(new Error('doctor crashed')) })
    expect(failed.text).toContain('The doctor report failed: doctor crashed')
    expect(recentLogLines(join(dataDir, 'missing'))).toEqual([])
  })
})
