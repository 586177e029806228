import { readFileSync, writeFileSync } from 'node:fs'
import type { Db } from '../../src-main/core/store/db'

const PAGE_SIZE = 4096

/** Enough audit events (2,000) that pages 3 to 6 of a new database hold them. */
export function fillEvents(db: Db): void {
  const insert = db.prepare("INSERT INTO events(at, actor, action, detail_json) VALUES ('2026-01-01', 'system', ?, '{}')")
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(`action-${i}-${'x'.repeat(50)}`)
  })()
}

/** Overwrites the b-tree headers of pages 3 to 6, as a bad sector or a stray write would; the size stays. */
export function damageEventPages(file: string): void {
  const bytes = readFileSync(file)
  for (const page of [3, 4, 5, 6]) bytes.fill(0xff, PAGE_SIZE * page, PAGE_SIZE * page + 64)
  writeFileSync(file, bytes)
}
