'use strict'
// The decisions of `npm start` (scripts/start.cjs), as a pure function so each branch is tested
// without Electron: given what was found, what to do next. start.cjs gathers the facts and acts.

/** What to run, in one place: the README and the messages name these. */
const SQLITE_BUILD_COMMAND = 'npm run build:sqlite'
const REINSTALL_COMMAND = 'npm ci'

/**
 * facts:
 *   electron      path of Electron's binary, or null when it is not installed
 *   probe         the SQLite probe's result inside Electron (src-main/app/sqlite-probe.ts), or null
 *   build         null before a build was tried, else { ok, reason } of `npm run build:sqlite`
 *   nodeProbe     the same probe under this Node (the web shell's runtime), asked only when needed
 * returns one of:
 *   { action: 'electron' }                          launch the app
 *   { action: 'probe' } / { action: 'probe-node' }  run the probe in Electron / in Node first
 *   { action: 'build', say }                        make the engine (say: the one line announcing it)
 *   { action: 'web', say }                          start the web shell, after saying why in one sentence
 *   { action: 'fail', say }                         stop with that sentence (not even the web shell can run)
 */
function planStart(facts) {
  const { electron, probe, build, nodeProbe } = facts
  const electronName = probe?.runtime.electron ? `Electron ${probe.runtime.electron}` : 'Electron'
  if (!electron) {
    return {
      action: 'web',
      say: "Electron's binary is not installed (its download was blocked or skipped), so CertDesk is starting its web shell instead: open the address below in your browser.",
    }
  }
  if (!probe) return { action: 'probe' }
  if (probe.ok) return { action: 'electron' }
  // A missing engine (no prebuild for this platform) or a local compile Electron refuses can be
  // (re)built from better-sqlite3's sources; a prebuild Electron refuses is replaced by reinstalling.
  const buildable = probe.missing || probe.local
  if (buildable && !build) {
    return {
      action: 'build',
      say: `CertDesk's SQLite engine for ${electronName} ${probe.missing ? 'is missing' : 'needs rebuilding'} (${probe.engine}); building it from source now with "${SQLITE_BUILD_COMMAND}" (needs Python 3, make and a C++ compiler; a few minutes, once).`,
    }
  }
  if (!nodeProbe) return { action: 'probe-node' }
  const why = build && !build.ok ? `building it failed (${build.reason})` : probe.reason
  const command = buildable ? SQLITE_BUILD_COMMAND : REINSTALL_COMMAND
  const missing = `${electronName} cannot load CertDesk's SQLite engine ${probe.engine}: ${why}, so run "${command}"${buildable ? ' once Python 3, make and a C++ compiler are installed' : ''} and then "npm start" again`
  if (!nodeProbe.ok) return { action: 'fail', say: `${missing}; the web shell cannot start either, because Node ${nodeProbe.runtime.node} cannot load it (${nodeProbe.reason}).` }
  return { action: 'web', say: `${missing}; meanwhile CertDesk is starting its web shell: open the address below in your browser.` }
}

module.exports = { planStart, SQLITE_BUILD_COMMAND, REINSTALL_COMMAND }
