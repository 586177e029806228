/**
 * Whether a process with this pid exists (signal 0 checks without sending anything). EPERM means it
 * exists under another user. A pid can be reused, so callers treat "alive" as "may be alive".
 */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
