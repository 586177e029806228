import type { Db } from '../db'
import { m0001Initial } from './0001-initial'

export interface Migration {
  name: string
  up(db: Db): void
}

/** Frozen, ordered list: never edit a released migration, add a new one. Index + 1 = user_version. */
export const MIGRATIONS: readonly Migration[] = [m0001Initial]
