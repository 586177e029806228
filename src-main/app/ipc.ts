/**
 * IPC registration: one `ipcMain.handle` per contract method, each behind the same wrapper. Glue only:
 * every rule lives in core's dispatch. The wrapper checks what core cannot see (reference E7): the
 * channel, the sender's origin and that it is a main frame, and a size cap before validation.
 */
import type { IpcMain } from 'electron'
import type { Result } from '../core/api/contract'
import { dispatch, isMethodName, type ApiContext } from '../core/api/dispatch'
import { IPC_PREFIX, METHOD_NAMES } from '../core/api/method-names'
import { MAX_REQUEST_CHARS } from '../core/api/request-limits'
import type { Logger } from '../core/log/logger'
import { isTrustedSender, type TrustedOrigins } from './app-origin'

/** The parts of an IpcMainInvokeEvent the wrapper reads. */
export interface InvokeSender {
  senderFrame: { url: string; parent: unknown } | null
}

export class UntrustedSenderError extends Error {}

export type Invoker = (channel: string, event: InvokeSender, input: unknown) => Promise<Result<unknown>>

/**
 * Builds the wrapper. A call from anyone but the app's main frame is refused by throwing (the
 * invoke rejects and nothing runs); a call from the app always gets a result envelope.
 */
export function createInvoker(ctx: ApiContext, deps: { logger: Logger; trusted: TrustedOrigins }): Invoker {
  return async (channel, event, input) => {
    const method = channel.startsWith(IPC_PREFIX) ? channel.slice(IPC_PREFIX.length) : ''
    if (!isMethodName(method)) {
      deps.logger.warn('refused IPC on an unknown channel', { channel: channel.slice(0, 100) })
      throw new UntrustedSenderError(`Unknown channel ${channel.slice(0, 100)}.`)
    }
    const frame = event.senderFrame
    if (!frame || !isTrustedSender(frame.url, frame.parent === null, deps.trusted)) {
      deps.logger.warn('refused IPC from an untrusted sender', {
        channel,
        url: frame?.url.slice(0, 200) ?? null,
        mainFrame: frame ? frame.parent === null : null,
      })
      throw new UntrustedSenderError('This page may not call CertDesk.')
    }
    let size: number
    try {
      size = JSON.stringify(input ?? {}).length
    } catch {
      return {
        ok: false,
        error: { code: 'invalid_input', message: 'The request is not plain data.', retryable: false },
      }
    }
    if (size > MAX_REQUEST_CHARS) {
      return {
        ok: false,
        error: {
          code: 'too_large',
          message: `The request is larger than ${MAX_REQUEST_CHARS} characters.`,
          retryable: false,
        },
      }
    }
    return dispatch(ctx, method, input)
  }
}

/** Registers every contract method on `ipcMain`; returns a function that removes them again. */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, invoke: Invoker): () => void {
  const channels = METHOD_NAMES.map((name) => `${IPC_PREFIX}${name}`)
  for (const channel of channels) {
    ipcMain.handle(channel, (event, input: unknown) => invoke(channel, event, input))
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel)
  }
}
