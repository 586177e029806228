import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs'

/** One line of the fuzz report: what a target was fed and how it answered. */
export interface FuzzTally {
  name: string
  source: string
  inputs: number
  typedErrors: number
  results: number
  maxBytes: number
  maxMs: number
  /** The slowest input's time per KiB (of at least 1 KiB). */
  maxMsPerKiB: number
}

/** Where each worker appends its tallies (set by the fuzz configuration; unset in the normal run). */
export const REPORT_ENV = 'CERTDESK_FUZZ_REPORT'

export function recordTally(t: FuzzTally): void {
  const file = process.env[REPORT_ENV]
  if (file) appendFileSync(file, `${JSON.stringify(t)}\n`)
}

/** The table `npm run fuzz` prints at the end: inputs per parser, how they ended, the slowest. */
export function formatReport(file: string): string {
  if (!existsSync(file)) return 'No fuzz tallies were written.\n'
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as FuzzTally)
    .sort((a, b) => a.source.localeCompare(b.source) || a.name.localeCompare(b.name))
  const header = ['parser', 'input from', 'inputs', 'typed errors', 'results', 'largest (bytes)', 'slowest (ms)', 'slowest per KiB (ms)']
  const cells = rows.map((r) => [r.name, r.source, String(r.inputs), String(r.typedErrors), String(r.results), String(r.maxBytes), r.maxMs.toFixed(1), r.maxMsPerKiB.toFixed(2)])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)))
  const line = (c: string[]): string => `| ${c.map((x, i) => x.padEnd(widths[i] ?? 0)).join(' | ')} |`
  const total = rows.reduce((n, r) => n + r.inputs, 0)
  return [`\n## Parser fuzzing: ${total.toLocaleString('en-US')} inputs over ${rows.length} parsers`, line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line), ''].join('\n')
}

export function clearReport(file: string): void {
  rmSync(file, { force: true })
}
