import { spawn } from 'node:child_process'
import { chmodSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sqliteBinding } from '../../../src-main/core/store/sqlite-binding'
import { useTempDirs } from '../../helpers/temp-dir'

// `npm start` (scripts/start.cjs) against the built out/, with a stand-in for Electron's binary put
// where the electron package itself looks (ELECTRON_OVERRIDE_DIST_PATH): a script that is Node when
// run as Node (ELECTRON_RUN_AS_NODE=1, as start.cjs runs its SQLite probe) and otherwise only reports
// that it was launched. Electron's own binary cannot run on this machine.
const ROOT = join(__dirname, '../../..')
const tempDir = useTempDirs()

/** nodeFlags: how the stand-in runs as Node; `--no-addons` makes it an Electron that cannot load the engine. */
function standInElectron(nodeFlags: string): string {
  const dist = tempDir()
  const bin = join(dist, 'electron')
  writeFileSync(
    bin,
    `#!/bin/sh\nif [ "$ELECTRON_RUN_AS_NODE" = "1" ]; then exec "${process.execPath}" ${nodeFlags} "$@"; fi\necho "stand-in Electron launched with: $*"\n`,
  )
  chmodSync(bin, 0o755)
  return dist
}

/** Runs npm start's script until it exits, or until `until` matches its output (then stops it: a web shell runs on). */
function npmStart(dist: string, until?: RegExp): Promise<{ out: string; code: number | null }> {
  if (!existsSync(join(ROOT, 'out', 'main', 'sqlite-probe.js'))) throw new Error('out/ is missing: run `npm run build` first.')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.cjs'), '--port', '0', '--no-open', '--data-dir', tempDir()], {
      cwd: ROOT,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dist, CERTDESK_START_BUILD: '0', ELECTRON_RUN_AS_NODE: '' },
    })
    let out = ''
    const read = (d: Buffer): void => {
      out += d.toString()
      if (until?.test(out)) child.kill('SIGTERM')
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    child.on('error', reject)
    child.on('close', (code) => resolve({ out, code }))
  })
}

describe('npm start with a stand-in Electron binary', () => {
  it('launches Electron on the project once Electron has opened a database with the engine', async () => {
    const { out, code } = await npmStart(standInElectron(''))
    expect(out).toBe(`stand-in Electron launched with: ${ROOT} --port 0 --no-open --data-dir ${out.split('--data-dir ')[1]?.trim() ?? ''}\n`)
    expect(code).toBe(0)
  })

  it('when Electron cannot load the engine and none can be made: one sentence naming it and the command, then the web shell serves', async () => {
    const { out } = await npmStart(standInElectron('--no-addons'), /CertDesk web shell: http/)
    const [sentence, ...rest] = out.split('\n')
    expect(sentence).toBe(
      `Electron cannot load CertDesk's SQLite engine ${sqliteBinding().path}: could not be loaded (Cannot load native addon because loading addons is disabled), so run "npm ci" and then "npm start" again; meanwhile CertDesk is starting its web shell: open the address below in your browser.`,
    )
    expect(rest[0]).toMatch(/^CertDesk web shell: http:\/\/127\.0\.0\.1:\d+\/#token=/)
    expect(out).not.toContain('stand-in Electron launched')
  })
})
