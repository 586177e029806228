/**
 * The web shell's heap settings, applied before the shell's modules load (index.ts calls it first).
 *
 * V8 sizes its young generation from flags read when the heap is created, so they cannot be set from
 * running code (v8.setFlagsFromString has no effect on them). Where Node offers process.execve (POSIX,
 * Node 22.15+), the shell replaces itself, same pid and stdio, with the flags added; elsewhere it runs
 * with Node's defaults. Measured on the bench estate (10,010 certificates, 20 rounds of list, search,
 * summary and orders calls over loopback): peak RSS 165 MB with the default young generation,
 * 127 MB with 4 MB semi-spaces (issue 12's goal: the web shell under 150 MB). The cost is more frequent,
 * shorter young-generation collections, which a loopback UI server does not notice.
 */

/** Largest semi-space of V8's young generation, in MB (Node 24's default grows it to 16 or 32). */
export const WEB_SEMI_SPACE_MB = 4
const FLAG = `--max-semi-space-size=${WEB_SEMI_SPACE_MB}`
/** Set on the replaced process, so a runtime that ignores the flag can never loop. */
const REEXEC_MARK = 'CERTDESK_WEB_LEAN_HEAP'

export function applyLeanHeap(): void {
  if (process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) return
  if (process.env[REEXEC_MARK] === '1' || typeof process.execve !== 'function') return
  const script = process.argv[1]
  if (!script) return
  process.execve(process.execPath, [process.execPath, FLAG, ...process.execArgv, script, ...process.argv.slice(2)], { ...process.env, [REEXEC_MARK]: '1' })
}

