import { describe, expect, it } from 'vitest'
import { crashSeam } from '../../../src-main/cli/crash-seam'

describe('the crash-test seam', () => {
  it('kills at the n-th occurrence of a step, optionally only for one endpoint', () => {
    let kills = 0
    const h = crashSeam('request-sent@CollectSSL:2', () => (kills += 1))
    void h.onStep?.('request-sent', { endpoint: 'AutoApplySSL' })
    void h.onStep?.('request-sent', { endpoint: 'CollectSSL' })
    expect(kills).toBe(0)
    void h.onStep?.('intent-committed', {})
    void h.onStep?.('request-sent', { endpoint: 'CollectSSL' })
    expect(kills).toBe(1)
    void h.onStep?.('request-sent', { endpoint: 'CollectSSL' })
    expect(kills).toBe(1)
    const first = crashSeam('intent-committed', () => (kills += 10))
    void first.onStep?.('intent-committed', {})
    expect(kills).toBe(11)
  })

  it('refuses a step that does not exist, so a typo cannot make a crash test pass vacuously', () => {
    expect(() => crashSeam('intent-comitted')).toThrow(/is not <step>/)
    expect(() => crashSeam('request-sent:x')).toThrow(/is not <step>/)
  })
})
