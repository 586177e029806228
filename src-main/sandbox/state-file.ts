import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { dirname, basename, join } from 'node:path'
import { type CaMaterial } from './ca'
import { type Order } from './orders'

/**
 * The optional state file: CA material, balances and orders as JSON, written atomically (temp file,
 * fsync, rename, fsync of the directory) after every change, so a sandbox killed at any point
 * restarts with either the old or the new state and crash tests of the app see committed orders.
 */
export const STATE_VERSION = 1

export interface PersistedState {
  version: typeof STATE_VERSION
  ca: CaMaterial
  balancesCents: Record<string, number>
  orders: Order[]
  /** When GetDCVEmailAddressList was last answered per `<login>\n<name>` (ISO); absent in older files. */
  approverLists?: Record<string, string>
}

export class StateFile {
  constructor(readonly path: string) {}

  load(): PersistedState | null {
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw e
    }
    const data = JSON.parse(text) as unknown
    if (!isPersistedState(data)) {
      throw new Error(`${this.path} is not a Sandbox CA state file (version ${STATE_VERSION}); move it away or pass another --state file.`)
    }
    return data
  }

  save(state: PersistedState): void {
    const tmp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.tmp`)
    const fd = openSync(tmp, 'w', 0o600)
    try {
      writeSync(fd, JSON.stringify(state))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    try {
      renameSync(tmp, this.path)
    } catch (e) {
      unlinkSync(tmp)
      throw e
    }
    try {
      const dirFd = openSync(dirname(this.path), 'r')
      try {
        fsyncSync(dirFd)
      } finally {
        closeSync(dirFd)
      }
    } catch {
      // Some platforms (Windows) cannot open a directory; the rename is still atomic there.
    }
  }
}

function isPersistedState(v: unknown): v is PersistedState {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  const ca = o.ca as Record<string, unknown> | undefined
  return (
    o.version === STATE_VERSION &&
    typeof ca === 'object' &&
    ca !== null &&
    typeof ca.rootDerB64 === 'string' &&
    typeof ca.intermediateDerB64 === 'string' &&
    typeof o.balancesCents === 'object' &&
    o.balancesCents !== null &&
    Array.isArray(o.orders)
  )
}
