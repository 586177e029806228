/** Compile-time exhaustiveness check for switches over unions and state machines. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`)
}
