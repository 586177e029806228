import type * as UndiciModule from 'undici'

/** The undici module, as loadUndici gives it. */
export type Undici = typeof UndiciModule

/**
 * undici, loaded on first use. It takes over 100 ms to load, more than a CLI listing spends on its
 * database work; only a command that talks HTTP (Sectigo, OCSP, CRL, the update feed) should pay it.
 */
let undici: Promise<Undici> | null = null

export function loadUndici(): Promise<Undici> {
  return (undici ??= import('undici'))
}
