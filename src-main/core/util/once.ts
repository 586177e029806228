/**
 * `make`'s value, made on the first call and kept. For zod schemas a module would otherwise build when
 * it is loaded: building them costs milliseconds each at start, which a CLI listing that never parses
 * a setting, a backup header or an update feed should not pay (issue 15).
 */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined
  return () => (made ??= { value: make() }).value
}
