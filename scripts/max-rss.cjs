// npm run bench (test/bench/estate.bench.ts) preloads this into a measured CLI run (node --require): writes the process's peak resident set size in
// KiB to CERTDESK_BENCH_RSS_FILE when it exits. The file reader's child processes are not counted.
const { writeFileSync } = require('node:fs')

process.on('exit', () => {
  const file = process.env.CERTDESK_BENCH_RSS_FILE
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS))
})
