/**
 * Named points of the order workflow, reported to an optional hook. Production passes no hook; the
 * crash test's seam (CERTDESK_TEST_CRASH_AT in the CLI composition root) SIGKILLs the process at one
 * of them to prove that every step is recoverable.
 */
export const ORDER_STEPS = [
  'intent-committed', // the order row (or action row) says "submitting" and is on disk
  'request-sent', // the HTTP request went out and Sectigo started answering; nothing is parsed yet
  'response-received', // the answer is parsed, not yet recorded
  'result-committed', // the answer is recorded
  'reconcile-started',
  'reconcile-answered',
  'reconcile-committed',
  'collect-started',
  'collect-response',
  'certificate-received',
  'certificate-stored',
] as const
export type OrderStep = (typeof ORDER_STEPS)[number]

export interface StepInfo {
  /** Sectigo endpoint name for HTTP-level steps, e.g. AutoApplySSL. */
  endpoint?: string
  orderId?: string
}

export interface StepHooks {
  onStep?(step: OrderStep, info: StepInfo): void | Promise<void>
}

export async function step(hooks: StepHooks | undefined, name: OrderStep, info: StepInfo = {}): Promise<void> {
  await hooks?.onStep?.(name, info)
}
