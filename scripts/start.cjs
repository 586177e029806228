#!/usr/bin/env node
'use strict'
// `npm start`: builds CertDesk, then runs the desktop app. Where Electron's binary is missing (its
// download is blocked on this kind of machine and behind many corporate proxies), it says so in one
// sentence and starts the loopback web shell instead, so the README's run command always works.
// Arguments after `npm start --` go to whichever shell starts.
const { spawn, spawnSync } = require('node:child_process')
const { existsSync, readFileSync } = require('node:fs')
const { dirname, join } = require('node:path')

const root = join(__dirname, '..')
const args = process.argv.slice(2)

function packageDir(name) {
  try {
    return dirname(require.resolve(`${name}/package.json`, { paths: [root] }))
  } catch {
    return null
  }
}

// Always build (about two seconds): a stale out/ folder is a worse surprise than the wait.
function build() {
  const viteDir = packageDir('electron-vite')
  if (!viteDir) {
    if (existsSync(join(root, 'out', 'main', 'index.js'))) return
    console.error(
      'CertDesk is not built and electron-vite is not installed: run "npm install", then "npm start".',
    )
    process.exit(1)
  }
  process.stdout.write('Building CertDesk...\n')
  const result = spawnSync(process.execPath, [join(viteDir, 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    encoding: 'utf8',
  })
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`)
    console.error('The build failed; the messages above say why.')
    process.exit(result.status ?? 1)
  }
}

// Finds the Electron binary the way the electron package does, without calling require('electron'):
// under plain Node that call tries to download the binary when it is missing, which hangs offline.
function electronBinary() {
  const dir = packageDir('electron')
  if (!dir) return null
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const relative = readFileSync(pathFile, 'utf8').trim()
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const binary = override ? join(override, relative || 'electron') : join(dir, 'dist', relative)
  return existsSync(binary) ? binary : null
}

function run(command, commandArgs, env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env })
  const forward = (signal) => child.kill(signal)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0)
  })
  child.on('error', (e) => {
    console.error(`Could not start ${command}: ${e.message}`)
    process.exitCode = 1
  })
}

build()
const electron = electronBinary()
if (electron) {
  const env = { ...process.env }
  // Inherited from some shells and CI; it would make Electron run as plain Node.
  delete env.ELECTRON_RUN_AS_NODE
  run(electron, [root, ...args], env)
} else {
  console.log(
    "Electron's binary is not installed (its download was blocked or skipped), so CertDesk is starting its web shell instead: open the address below in your browser.",
  )
  run(process.execPath, [join(root, 'out', 'main', 'web.js'), ...args], process.env)
}
