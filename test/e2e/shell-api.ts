import { expect, type WebShellProcess } from './fixtures'

/** Calls one contract method on the web shell as the renderer does (token header), and expects it to succeed. */
export async function shellApi<T>(shell: WebShellProcess, method: string, input: unknown): Promise<T> {
  const res = await fetch(`${shell.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CertDesk-Token': shell.token },
    body: JSON.stringify(input),
  })
  const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } }
  expect(body.ok, body.error?.message).toBe(true)
  return body.value
}
