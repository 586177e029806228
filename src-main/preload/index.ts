/**
 * The sandboxed preload: exposes `window.certdesk`, one function per contract method and nothing
 * else, never ipcRenderer itself (reference/reliability-security.md E7). A sandboxed preload cannot
 * load packages, so it imports only the dependency-free method list; the type comes from the contract.
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { CertDeskApi } from '../core/api/contract'
import { IPC_PREFIX, METHOD_NAMES } from '../core/api/method-names'

function buildApi(): CertDeskApi {
  const api: Record<string, (input: unknown) => Promise<unknown>> = {}
  for (const name of METHOD_NAMES) {
    const channel = `${IPC_PREFIX}${name}`
    api[name] = (input: unknown) => ipcRenderer.invoke(channel, input)
  }
  return Object.freeze(api) as unknown as CertDeskApi
}

contextBridge.exposeInMainWorld('certdesk', buildApi())
