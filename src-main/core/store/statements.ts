import type { Statement } from 'better-sqlite3'
import type { Db } from './db'

/**
 * Prepared statements kept per connection, for the paths that run a statement thousands of times in a
 * row (a bulk import writes, indexes and looks up each of ten thousand certificates): preparing costs
 * as much as running a small statement.
 */

/** Statements kept per connection; past this the cache starts over (IN lists of every length are distinct SQL). */
const MAX_CACHED_STATEMENTS = 512

const caches = new WeakMap<Db, Map<string, Statement<unknown[], unknown>>>()

/** `db.prepare(sql)`, prepared once per connection. */
export function cached<P extends unknown[] = unknown[], R = unknown>(db: Db, sql: string): Statement<P, R> {
  let cache = caches.get(db)
  if (!cache) {
    cache = new Map()
    caches.set(db, cache)
  }
  let s = cache.get(sql)
  if (!s) {
    if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear()
    s = db.prepare<unknown[], unknown>(sql)
    cache.set(sql, s)
  }
  return s as unknown as Statement<P, R>
}
