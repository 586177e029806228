import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src-main/core/log/logger'
import { MAX_PUSH_BODY_BYTES, startPushReceiver, type PushNotification, type PushReceiver } from '../../../src-main/core/orders/push-receiver'

let receiver: PushReceiver | null = null
afterEach(async () => {
  await receiver?.close()
  receiver = null
})

const auth = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`

async function start(): Promise<{ got: PushNotification[]; lines: string[]; url: string }> {
  const got: PushNotification[] = []
  const lines: string[] = []
  receiver = await startPushReceiver({ port: 0, host: '127.0.0.1', username: 'sectigo', password: 'hook-secret-42', onNotification: (n) => got.push(n), logger: createLogger({ sink: (l) => lines.push(l) }) })
  return { got, lines, url: receiver.url }
}

describe('the push receiver', () => {
  it('accepts a GET notification with basic auth and hands on the order number', async () => {
    const { got, url } = await start()
    const res = await fetch(`${url}?orderNumber=1234567&certificateID=99&eventType=Certificate&status=issued&statusCode=9`, { headers: { Authorization: auth('sectigo', 'hook-secret-42') } })
    expect(res.status).toBe(200)
    expect(got).toEqual([{ orderNumber: '1234567', certificateId: '99', eventType: 'Certificate', status: 'issued', statusCode: '9', method: 'GET', hasCertificate: false }])
  })

  it('accepts a POST form with the certificate', async () => {
    const { got, url } = await start()
    const body = new URLSearchParams({ orderNumber: '42', eventType: 'Certificate', certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' })
    const res = await fetch(url, { method: 'POST', body, headers: { Authorization: auth('sectigo', 'hook-secret-42') } })
    expect(res.status).toBe(200)
    expect(got[0]).toMatchObject({ orderNumber: '42', method: 'POST', hasCertificate: true })
  })

  it('refuses missing or wrong credentials, other methods, oversized bodies and bad order numbers, and hands nothing on', async () => {
    const { got, url, lines } = await start()
    expect((await fetch(`${url}?orderNumber=1`)).status).toBe(401)
    expect((await fetch(`${url}?orderNumber=1`, { headers: { Authorization: auth('sectigo', 'wrong') } })).status).toBe(401)
    expect((await fetch(`${url}?orderNumber=1`, { headers: { Authorization: auth('other', 'hook-secret-42') } })).status).toBe(401)
    expect((await fetch(url, { method: 'PUT', headers: { Authorization: auth('sectigo', 'hook-secret-42') } })).status).toBe(405)
    const big = await fetch(url, { method: 'POST', body: 'x'.repeat(MAX_PUSH_BODY_BYTES + 10), headers: { Authorization: auth('sectigo', 'hook-secret-42') } })
    expect(big.status).toBe(413)
    expect((await fetch(`${url}?orderNumber=12a`, { headers: { Authorization: auth('sectigo', 'hook-secret-42') } })).status).toBe(400)
    expect(got).toEqual([])
    expect(lines.join('\n')).not.toContain('hook-secret-42')
  })
})
