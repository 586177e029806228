import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { processAlive } from '../util/process-alive'

// Apart from snapshot.ts (SQLite's backup API, the backup container), so that opening the data folder,
// which every root does, loads only this.

/** Names the unencrypted copies a backup makes in the data folder: `.backup-snapshot-<pid>-<random>.db`. */
export const SNAPSHOT_PREFIX = '.backup-snapshot-'
const SNAPSHOT_NAME = /^\.backup-snapshot-(\d+)-[0-9a-f]+\.db(-journal|-wal|-shm)?$/

/**
 * Removes the unencrypted database copies that backups of processes no longer running left in the
 * data folder (a backup killed mid-way). Copies of a live process are its backup in progress.
 */
export function removeLeftoverSnapshots(dataDir: string): void {
  let names: string[]
  try {
    names = readdirSync(dataDir)
  } catch {
    return
  }
  for (const name of names) {
    const m = SNAPSHOT_NAME.exec(name)
    // Our own pid in a name is a process before us that had it: this one has made no backup yet.
    const pid = Number(m?.[1])
    if (m && (pid === process.pid || !processAlive(pid))) rmSync(join(dataDir, name), { force: true })
  }
}
