import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'vitest'
import { CLI_JS } from '../helpers/cli'
import { fmt, report, timeProcess } from './measure'

describe('CLI start-up', () => {
  it('certdesk --version and csr list vs node -e 0 and openssl version', () => {
    if (!existsSync(CLI_JS)) throw new Error('run npm run build first')
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-bench-'))
    try {
      report('Process start-up', [
        [
          'certdesk --version',
          fmt(timeProcess(10, process.execPath, [CLI_JS, '--version'])),
          `node -e 0: ${fmt(timeProcess(10, process.execPath, ['-e', '0']))}`,
        ],
        [
          'certdesk csr list (empty db)',
          fmt(timeProcess(10, process.execPath, [CLI_JS, '--data-dir', dir, 'csr', 'list'])),
          `openssl version: ${fmt(timeProcess(10, 'openssl', ['version']))}`,
        ],
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
