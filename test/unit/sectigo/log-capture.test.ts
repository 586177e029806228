import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src-main/core/log/logger'
import { SECTIGO_ENDPOINTS, SectigoClient } from '../../../src-main/core/sectigo/client'
import { encodeFormValue } from '../../../src-main/core/sectigo/form'
import { makeCsrDer } from './support/certs'
import { FakeSectigo } from './support/fake-server'

const PASSWORD = 'canary-Pw d%41+/=&?#é'
const SPELLINGS = [PASSWORD, encodeURIComponent(PASSWORD), encodeFormValue(PASSWORD), Buffer.from(PASSWORD).toString('base64')]

describe('credentials never reach the log, errors or results', () => {
  let server: FakeSectigo
  const lines: string[] = []
  const surfaced: string[] = []
  /** The client the calls below use: `patient` for answers, `hasty` for the server that never answers. */
  let client: SectigoClient
  let patient: SectigoClient
  let hasty: SectigoClient
  /** Long enough for a loopback answer on a loaded 2-core machine (150 ms was not, and an answer became a timeout). */
  const ANSWER_TIMEOUT_MS = 10_000
  /** How long the unanswered calls wait: short, so thirteen of them take about two seconds. */
  const SILENCE_TIMEOUT_MS = 150

  beforeAll(async () => {
    server = await FakeSectigo.start()
    const make = (totalMs: number): SectigoClient =>
      new SectigoClient({
        baseUrl: server.baseUrl,
        loginName: 'api-user',
        loginPassword: PASSWORD,
        logger: createLogger({ sink: (l) => lines.push(l), level: 'debug' }),
        timeouts: { connectMs: 1000, totalMs },
      })
    patient = make(ANSWER_TIMEOUT_MS)
    hasty = make(SILENCE_TIMEOUT_MS)
    client = patient
  })
  afterAll(async () => {
    await patient.close()
    await hasty.close()
    await server.close()
  })

  it('runs every endpoint through success, echoed-password errors, garbage and timeouts without leaking', async () => {
    const csrDer = await makeCsrDer()
    const calls: Array<[string, () => Promise<unknown>, string]> = [
      ['DecodeCSR', () => client.decodeCsr({ csrDer }), `0\nmd5=${'a'.repeat(32)}`],
      ['AutoApplySSL', () => client.autoApplySsl({ product: 287, days: 90, csrDer }), 'errorCode=0&orderNumber=1'],
      ['CollectSSL', () => client.collectSsl({ orderNumber: '1', query: 'status' }), 'errorCode=0'],
      ['WebHostReport', () => client.webHostReport({}), 'errorCode=0'],
      ['GetDCVEmailAddressList', () => client.getDcvEmailAddressList({ domainName: 'example.com' }), '0\n'],
      ['AutoUpdateDCV', () => client.autoUpdateDcv({ orderNumber: '1', change: { newMethod: 'CNAME_CSR_HASH' } }), 'errorCode=0'],
      ['ResendDCVEmail', () => client.resendDcvEmail({ orderNumber: '1' }), 'errorCode=0'],
      ['AutoReplaceSSL', () => client.autoReplaceSsl({ orderNumber: '1', csrDer }), 'errorCode=0'],
      ['AutoRevokeSSL', () => client.autoRevokeSsl({ orderNumber: '1', revocationReason: 'test' }), 'errorCode=0'],
      ['AutoRemoveMDCDomain', () => client.autoRemoveMdcDomain({ orderNumber: '1', domainName: 'a.example.com' }), 'errorCode=0'],
      ['UpdateUserOvCallback', () => client.updateUserOvCallback({ orderNumber: '1', action: 'sendCallbackEmail' }), 'errorCode=0'],
      ['UpdateUserEvClickThrough', () => client.updateUserEvClickThrough({ orderNumber: '1', action: 'ResendEmail' }), 'errorCode=0&status=1'],
      ['GetMDCDomainDetails', () => client.getMdcDomainDetails({ orderNumber: '1' }), 'errorCode=0'],
    ]
    expect(calls.map(([n]) => n)).toEqual(SECTIGO_ENDPOINTS.map((e) => e.name))
    const record = async (f: () => Promise<unknown>): Promise<void> => {
      try {
        surfaced.push(JSON.stringify(await f()))
      } catch (e) {
        const err = e as Error & { toInfo?: () => unknown }
        surfaced.push(err.message, JSON.stringify(err.toInfo?.() ?? {}), String(err.stack))
      }
    }
    for (const [, call, ok] of calls) {
      server.answer(ok)
      await record(call)
      server.onRequest((req, res) => res.end(`errorCode=-16&errorItem=${encodeURIComponent(PASSWORD)}&errorMessage=${encodeURIComponent(`bad password ${PASSWORD} (${req.rawBody})`)}`))
      await record(call)
      server.onRequest((req, res) => res.end(`-4\nThe value ${PASSWORD} / ${req.rawBody} is invalid!`))
      await record(call)
      server.onRequest((req, res) => res.end(`<html>${req.rawBody}</html>`))
      await record(call)
      server.onRequest(() => undefined)
      client = hasty
      await record(call)
      client = patient
    }
    const log = lines.join('\n')
    expect(lines.filter((l) => l.includes('sectigo answered'))).toHaveLength(calls.length)
    expect(lines.filter((l) => l.includes('sectigo call failed')).length).toBeGreaterThanOrEqual(calls.length * 4)
    expect(server.requests.filter((r) => r.rawBody.includes('loginPassword')).length).toBeGreaterThan(0)
    for (const s of SPELLINGS) {
      expect(log).not.toContain(s)
      for (const text of surfaced) expect(text).not.toContain(s)
    }
  })
})
