import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fileSink } from '../../../src-main/core/log/file-sink'
import { createLogger, REDACTED, redactText } from '../../../src-main/core/log/logger'
import { createLogRateLimiter } from '../../../src-main/core/log/rate-limit'

function capture() {
  const lines: string[] = []
  return { lines, logger: createLogger({ sink: (l) => lines.push(l), level: 'debug' }) }
}

describe('logger redaction', () => {
  it('drops fields whose names look secret, at any depth', () => {
    const { lines, logger } = capture()
    logger.info('login', { loginName: 'reseller1', loginPassword: 'hunter2!', nested: { passphrase: 'p', token: 't', keep: 'yes' } })
    const rec = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>
    expect(rec.loginName).toBe('reseller1')
    expect(rec.loginPassword).toBe(REDACTED)
    expect(rec.nested).toEqual({ passphrase: REDACTED, token: REDACTED, keep: 'yes' })
  })

  it('scrubs form-encoded credentials and PEM private keys inside strings', () => {
    const { lines, logger } = capture()
    logger.warn('request body', { body: 'loginName=a&loginPassword=S3cr%21t&csr=xyz' })
    logger.error('oops -----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY----- after')
    expect(lines.join('\n')).not.toContain('S3cr%21t')
    expect(lines.join('\n')).not.toContain('MIIB')
    expect(lines.join('\n')).toContain('after')
  })

  it('scrubs the password from URLs such as a proxy address, keeping the host', () => {
    const { lines, logger } = capture()
    logger.info('using https://corp%5Cme:Pr0xy-Pw%21@proxy.corp:8080 now', { proxy: 'http://me:hunter2@10.0.0.1:3128/', plain: 'https://secure.trust-provider.com:443/products' })
    const out = lines.join('\n')
    expect(out).not.toContain('Pr0xy-Pw')
    expect(out).not.toContain('hunter2')
    expect(out).toContain(`https://corp%5Cme:${REDACTED}@proxy.corp:8080`)
    expect(out).toContain(`http://me:${REDACTED}@10.0.0.1:3128/`)
    expect(out).toContain('https://secure.trust-provider.com:443/products')
  })

  it('never writes a registered secret, raw or URL-encoded, even in error messages', () => {
    const { lines, logger } = capture()
    const child = logger.child({ account: 'acc_1' })
    logger.addSecret('pä ss/word!')
    child.error('failed', { error: new Error('server said pä ss/word! was wrong'), echo: encodeURIComponent('pä ss/word!') })
    expect(lines.join('\n')).not.toContain('pä ss/word!')
    expect(lines.join('\n')).not.toContain(encodeURIComponent('pä ss/word!'))
    expect(lines[0]).toContain('acc_1')
  })

  it('respects the level threshold', () => {
    const lines: string[] = []
    const logger = createLogger({ sink: (l) => lines.push(l), level: 'warn' })
    logger.info('hidden')
    logger.warn('shown')
    expect(lines).toHaveLength(1)
  })
})

describe('rate-limited logging', () => {
  function limited(burst = 3, windowMs = 60_000) {
    let now = Date.parse('2026-11-28T10:00:00Z')
    const lines: string[] = []
    const logger = createLogger({ sink: (l) => lines.push(l), rateLimit: createLogRateLimiter({ burst, windowMs, now: () => now }) })
    return { lines, logger, advance: (ms: number) => (now += ms), records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) }
  }

  it('writes a burst of identical warnings, then one line with the count when the window ends', () => {
    const { logger, advance, records } = limited(3)
    for (let i = 0; i < 1000; i++) logger.warn('web shell refused a request for another host', { host: `evil${i}.example` })
    expect(records()).toHaveLength(3)
    advance(60_000)
    logger.warn('web shell refused a request for another host', { host: 'late.example' })
    const out = records()
    expect(out).toHaveLength(5)
    expect(out[3]).toMatchObject({ level: 'warn', msg: 'web shell refused a request for another host', repeated: 997, rateLimited: true })
    expect(out[4]).toMatchObject({ host: 'late.example' })
  })

  it('counts each message on its own, and a child logger shares its parent\'s count', () => {
    const { logger, records } = limited(2)
    const child = logger.child({ component: 'push' })
    for (let i = 0; i < 5; i++) {
      logger.warn('a')
      child.warn('a')
      child.warn('b')
    }
    const out = records()
    expect(out.filter((r) => r.msg === 'a')).toHaveLength(2)
    expect(out.filter((r) => r.msg === 'b')).toHaveLength(2)
  })

  it('writes what is still held back when flushed at shutdown', () => {
    const { logger, records } = limited(1)
    logger.error('push refused: bad or missing credentials')
    logger.error('push refused: bad or missing credentials')
    logger.error('push refused: bad or missing credentials')
    logger.flush()
    expect(records().map((r) => r.repeated ?? null)).toEqual([null, 2])
    logger.flush()
    expect(records()).toHaveLength(2)
  })

  it('tracks a bounded number of messages, closing the oldest window first', () => {
    let now = 0
    const limiter = createLogRateLimiter({ burst: 1, maxKeys: 2, now: () => now })
    limiter.admit('warn x')
    limiter.admit('warn x')
    now = 1
    limiter.admit('warn y')
    const third = limiter.admit('warn z')
    expect(third.write).toBe(true)
    expect(third.ended.map((e) => [e.key, e.count])).toEqual([['warn x', 1]])
  })
})

describe('the log file', () => {
  it('rotates by size during the run, keeping one older file, so the log stays under its limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-log-'))
    try {
      const file = join(dir, 'certdesk.log')
      const sink = fileSink(file, { maxBytes: 4096 })
      for (let i = 0; i < 500; i++) sink(JSON.stringify({ msg: 'distinct line', i }))
      expect(statSync(file).size).toBeLessThanOrEqual(4096)
      expect(statSync(`${file}.1`).size).toBeLessThanOrEqual(4096)
      const last = readFileSync(file, 'utf8').trim().split('\n').at(-1)
      expect(JSON.parse(last ?? '{}')).toEqual({ msg: 'distinct line', i: 499 })
      expect((statSync(file).mode & 0o777).toString(8)).toBe('600')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('redactText on large hostile input', () => {
  const MIB = 1024 * 1024

  it('leaves 10 MiB of "-----BEGIN" without an END as it is, and still finds a URL password after it', () => {
    const noise = '-----BEGIN'.repeat(MIB)
    expect(redactText(noise)).toBe(noise)
    expect(redactText(`${noise} http://proxyuser:pr0xy-pw@proxy.example:8080 done`)).toBe(`${noise} http://proxyuser:${REDACTED}@proxy.example:8080 done`)
  })

  it('leaves 10 MiB of dotted words as they are, and redacts a URL password whose scheme is longer than any real one', () => {
    const noise = 'a.'.repeat(5 * MIB)
    expect(redactText(noise)).toBe(noise)
    const scheme = 'x'.repeat(100)
    expect(redactText(`${scheme}://u:secret-pw@host`)).toBe(`${scheme}://u:${REDACTED}@host`)
  })

  it('redacts a 10 MiB private-key block that never ends, keeping what came before it', () => {
    const body = 'QUJD\n'.repeat(2 * MIB)
    expect(redactText(`before -----BEGIN RSA PRIVATE KEY-----\n${body}`)).toBe(`before ${REDACTED}`)
    expect(redactText(`-----BEGIN ${'A '.repeat(5 * MIB)}`)).toBe(`-----BEGIN ${'A '.repeat(5 * MIB)}`)
  })
})
