import { ORDER_STEPS, type OrderStep, type StepHooks, type StepInfo } from '../core/orders/step-hooks'

/**
 * Test seam of the CLI composition root: CERTDESK_TEST_CRASH_AT=<step>[@<endpoint>][:<n>] makes the
 * process SIGKILL itself the n-th time (default 1st) the order workflow reaches <step> (for
 * HTTP-level steps optionally only for one Sectigo endpoint), e.g. `request-sent@AutoApplySSL` or
 * `result-committed:2`. Used by the crash test; unset in normal use, where no hook is installed.
 */
export function crashSeam(spec: string, kill: () => void = () => process.kill(process.pid, 'SIGKILL')): StepHooks {
  const m = /^([a-z-]+)(?:@([A-Za-z]+))?(?::(\d+))?$/.exec(spec.trim())
  const name = m?.[1]
  if (!m || !name || !(ORDER_STEPS as readonly string[]).includes(name)) {
    throw new Error(`CERTDESK_TEST_CRASH_AT="${spec}" is not <step>[@<endpoint>][:<n>] with a step of: ${ORDER_STEPS.join(', ')}.`)
  }
  const endpoint = m[2]
  const nth = m[3] ? Number(m[3]) : 1
  let seen = 0
  return {
    onStep(step: OrderStep, info: StepInfo) {
      if (step !== name || (endpoint !== undefined && info.endpoint !== endpoint)) return
      seen += 1
      if (seen === nth) kill()
    },
  }
}
