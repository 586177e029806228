import { spawnSync } from 'node:child_process'

export interface Stats {
  median: number
  min: number
  max: number
  runs: number
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b)
  return {
    median: s[Math.floor(s.length / 2)] ?? NaN,
    min: s[0] ?? NaN,
    max: s[s.length - 1] ?? NaN,
    runs: s.length,
  }
}

export async function timeAsync(runs: number, fn: () => Promise<unknown>): Promise<Stats> {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn()
    samples.push(performance.now() - t)
  }
  return stats(samples)
}

export function timeProcess(runs: number, cmd: string, args: string[], input?: Buffer | string, opts: { okCodes?: number[]; env?: NodeJS.ProcessEnv } = {}): Stats {
  const samples: number[] = []
  const ok = opts.okCodes ?? [0]
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    const r = spawnSync(cmd, args, { input, ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}) })
    if (!ok.includes(r.status ?? -1)) throw new Error(`${cmd} ${args.join(' ')} failed: ${String(r.stderr)}`)
    samples.push(performance.now() - t)
  }
  return stats(samples)
}

export function fmt(s: Stats): string {
  return `${s.median.toFixed(1)} ms (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)}, n=${s.runs})`
}

export function report(title: string, rows: [string, string, string][]): void {
  const w0 = Math.max(...rows.map((r) => r[0].length), 10)
  const w1 = Math.max(...rows.map((r) => r[1].length), 10)
  const lines = rows.map(([a, b, c]) => `| ${a.padEnd(w0)} | ${b.padEnd(w1)} | ${c} |`)
  console.log(
    `\n## ${title}\n| ${'case'.padEnd(w0)} | ${'CertDesk'.padEnd(w1)} | baseline |\n${lines.join('\n')}\n`,
  )
}
