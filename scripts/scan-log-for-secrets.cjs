#!/usr/bin/env node
// Scans a captured test log for the canary passwords the test suite uses (raw, URL-encoded, form
// encoded and base64). CI runs it over the whole suite's output: a hit means a password leaked into
// output that a user could paste into a bug report.
'use strict'
const { readFileSync } = require('node:fs')
const { join } = require('node:path')

const log = process.argv[2]
if (!log) {
  console.error('usage: scan-log-for-secrets.cjs LOGFILE')
  process.exit(2)
}
const canaries = JSON.parse(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'canary-passwords.json'), 'utf8'))
const text = readFileSync(log, 'latin1') + readFileSync(log, 'utf8')
const hits = []
for (const c of canaries) {
  const spellings = new Set([c, encodeURIComponent(c), encodeURIComponent(c).replace(/%20/g, '+'), Buffer.from(c).toString('base64')])
  for (const s of spellings) if (text.includes(s)) hits.push(s)
}
if (hits.length) {
  console.error(`Canary passwords found in ${log}: ${hits.length} spelling(s). A secret reached the test output.`)
  process.exit(1)
}
console.log(`No canary password in ${log} (${canaries.length} canaries, 4 spellings each).`)
