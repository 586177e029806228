/** The error `fn` throws; fails the test when it returns. */
export function caught(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('it did not throw')
}
