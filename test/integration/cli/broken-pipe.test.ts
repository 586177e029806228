import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CLI_JS, runBuiltCli } from '../../helpers/cli'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()

/** Runs the built CLI with a stdout whose reader has gone away before anything is written (`| head` that already exited). */
function withClosedStdout(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.destroy()
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stderr }))
  })
}

describe.skipIf(!existsSync(CLI_JS))('a broken pipe is not a crash (built CLI)', () => {
  it('certdesk certs expiring | head: the reader going away ends the command quietly', async () => {
    const dataDir = tempDir()
    expect(runBuiltCli(['certs', 'expiring'], { dataDir }).stdout).not.toBe('')
    const r = await withClosedStdout(['--data-dir', dataDir, 'certs', 'expiring'])
    expect(r).toEqual({ code: 0, signal: null, stderr: '' })
  })

  it('a command that changes something still saves it when its output goes nowhere', async () => {
    const dataDir = tempDir()
    const r = await withClosedStdout(['--data-dir', dataDir, 'account', 'add', '--label', 'piped', '--env', 'sandbox', '--json'])
    expect(r).toEqual({ code: 0, signal: null, stderr: '' })
    expect(runBuiltCli(['account', 'list'], { dataDir }).stdout).toContain('piped')
  })
})
