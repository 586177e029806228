import { describe, expect, it } from 'vitest'
import { createLogger, REDACTED } from '../../../src-main/core/log/logger'

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
