import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../../src-main/cli/run'
import { dispatch } from '../../../src-main/core/api/dispatch'
import { verifyBackup } from '../../../src-main/core/backup/verify-backup'
import { readPasswordFile } from '../../../src-main/core/certs/password-file'
import { createCore } from '../../../src-main/core/core'
import { CoreError } from '../../../src-main/core/errors'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { readRegularFile } from '../../../src-main/core/util/read-regular-file'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()

/** A named pipe nobody writes to: opening it for reading would wait for ever. */
function fifo(dir: string, name = 'pipe'): string {
  const p = join(dir, name)
  execFileSync('mkfifo', [p])
  return p
}

const refusedAsIrregular = (e: unknown): boolean => e instanceof CoreError && e.code === 'invalid_input' && /not a regular file/.test(e.message)

async function cli(dir: string, args: string[]): Promise<{ code: number; err: string }> {
  let err = ''
  const code = await runCli(['--data-dir', join(dir, 'data'), ...args], { stdout: () => undefined, stderr: (s) => void (err += s), readStdin: () => Promise.resolve(Buffer.alloc(0)), env: { ...process.env, CERTDESK_SANDBOX_URL: '' } }, 'test')
  return { code, err }
}

describe.skipIf(process.platform === 'win32')('files that are not regular files are refused before they are opened', () => {
  it('a FIFO, a FIFO behind a symlink, a folder and a device', async () => {
    const dir = tempDir()
    const pipe = fifo(dir)
    symlinkSync(pipe, join(dir, 'link'))
    mkdirSync(join(dir, 'folder'))
    for (const p of [pipe, join(dir, 'link'), join(dir, 'folder'), '/dev/zero']) {
      await expect(readRegularFile(p, 1024), p).rejects.toSatisfy(refusedAsIrregular)
    }
    writeFileSync(join(dir, 'real.txt'), 'fine')
    symlinkSync(join(dir, 'real.txt'), join(dir, 'real-link'))
    expect((await readRegularFile(join(dir, 'real-link'), 1024)).toString()).toBe('fine')
  })

  it('an import of a FIFO through the contract or the CLI, a FIFO password file, a FIFO backup and a FIFO CSR', async () => {
    const dir = tempDir()
    const pipe = fifo(dir)
    const core = createCore({ dataDir: join(dir, 'core'), credentials: new MemoryCredentialStore() })
    try {
      const viaContract = await dispatch({ core, actor: 'cli', frontDoor: 'cli', version: 'test' }, 'certs.importFile', { path: pipe })
      expect(viaContract).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('named pipe (FIFO)') as unknown } })
    } finally {
      core.close()
    }
    await expect(readPasswordFile(pipe)).rejects.toSatisfy(refusedAsIrregular)
    await expect(verifyBackup(pipe, 'a-long-passphrase')).rejects.toSatisfy(refusedAsIrregular)
    writeFileSync(join(dir, 'cert.pem'), 'not read before the password')
    for (const args of [['import', pipe], ['csr', 'decode', pipe], ['import', join(dir, 'cert.pem'), '--password-file', pipe]]) {
      const r = await cli(dir, args)
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.err, args.join(' ')).toContain('not a regular file')
    }
  })
})
