#!/usr/bin/env node
'use strict'
// `npm start`: builds CertDesk, checks that Electron can open a database with the SQLite engine the
// app will load, then runs the desktop app. Where Electron's binary is missing (its download is
// blocked on this kind of machine and behind many corporate proxies), or Electron cannot load the
// engine and it cannot be made here, it says so in one sentence and starts the loopback web shell
// instead, so the README's run command always works and never opens an app that fails at its first
// database. The decisions are in start-plan.cjs. Arguments after `npm start --` go to whichever
// shell starts. CERTDESK_START_BUILD=0 skips the build (tests that run this against a built out/).
const { spawn, spawnSync } = require('node:child_process')
const { existsSync, readFileSync } = require('node:fs')
const { dirname, join } = require('node:path')
const { planStart } = require('./start-plan.cjs')

const root = join(__dirname, '..')
const args = process.argv.slice(2)
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
/** The probe only loads a library and opens a database in memory: seconds would mean a hang. */
const PROBE_TIMEOUT_MS = 60_000

function packageDir(name) {
  try {
    return dirname(require.resolve(`${name}/package.json`, { paths: [root] }))
  } catch {
    return null
  }
}

// Always build (about two seconds): a stale out/ folder is a worse surprise than the wait.
function build() {
  if (process.env.CERTDESK_START_BUILD === '0') return
  const viteDir = packageDir('electron-vite')
  if (!viteDir) {
    if (existsSync(join(root, 'out', 'main', 'index.js'))) return
    console.error('CertDesk is not built and electron-vite is not installed: run "npm install", then "npm start".')
    process.exit(1)
  }
  process.stdout.write('Building CertDesk...\n')
  const result = spawnSync(process.execPath, [join(viteDir, 'bin', 'electron-vite.js'), 'build'], { cwd: root, encoding: 'utf8' })
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`)
    console.error('The build failed; the messages above say why.')
    process.exit(result.status ?? 1)
  }
}

// Finds the Electron binary the way the electron package does (index.js: path.txt, and
// ELECTRON_OVERRIDE_DIST_PATH before dist/), without calling require('electron'): under plain Node
// that call tries to download the binary when it is missing, which hangs offline.
function electronBinary() {
  const dir = packageDir('electron')
  if (!dir) return null
  const pathFile = join(dir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : ''
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (!override && !relative) return null
  const binary = override ? join(override, relative || 'electron') : join(dir, 'dist', relative)
  return existsSync(binary) ? binary : null
}

/** Runs the SQLite probe in `runtime` (Electron as Node, or this Node) and returns its JSON line. */
function probe(runtime, env) {
  const r = spawnSync(runtime, [join(root, 'out', 'main', 'sqlite-probe.js')], { cwd: root, encoding: 'utf8', env, timeout: PROBE_TIMEOUT_MS })
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('{'))
  if (line) return JSON.parse(line)
  const reason = r.error ? r.error.message : (r.stderr ?? '').trim().split('\n').pop() || `exit code ${r.status}`
  return { ok: false, engine: 'better-sqlite3', runtime: { node: '?', electron: null }, reason }
}

/** `npm run build:sqlite`: better-sqlite3's own node-gyp build, quietly; the last line of a failure. */
function buildSqlite() {
  const r = spawnSync(npm, ['run', '--silent', 'build:sqlite'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' })
  if (r.status === 0) return { ok: true }
  const lines = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').map((l) => l.trim())
  const reason = lines.find((l) => /gyp ERR! (find Python|stack Error|configure error)|not found|No such file/.test(l)) ?? lines.filter(Boolean).pop() ?? `exit code ${r.status}`
  return { ok: false, reason: reason.replace(/^gyp ERR! (stack )?/, '').slice(0, 200) }
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
const electronEnv = { ...process.env }
// Inherited from some shells and CI; it would make Electron run as plain Node.
delete electronEnv.ELECTRON_RUN_AS_NODE
const facts = { electron, probe: null, build: null, nodeProbe: null }
for (;;) {
  const step = planStart(facts)
  if (step.action === 'probe') facts.probe = probe(electron, { ...electronEnv, ELECTRON_RUN_AS_NODE: '1' })
  else if (step.action === 'probe-node') facts.nodeProbe = probe(process.execPath, process.env)
  else if (step.action === 'build') {
    console.log(step.say)
    facts.build = buildSqlite()
    if (facts.build.ok) facts.probe = probe(electron, { ...electronEnv, ELECTRON_RUN_AS_NODE: '1' })
  } else if (step.action === 'electron') {
    run(electron, [root, ...args], electronEnv)
    break
  } else if (step.action === 'web') {
    console.log(step.say)
    run(process.execPath, [join(root, 'out', 'main', 'web.js'), ...args], process.env)
    break
  } else {
    console.error(step.say)
    process.exitCode = 1
    break
  }
}
