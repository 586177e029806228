import type { FieldReader } from './fields'

/**
 * Sectigo's per-step status integers: -1 not required, 1 completed, any other value still pending
 * (reference §3.2; C-UPM reads them the same way). The raw code is kept for display and support.
 */
export type StepState = 'not_required' | 'completed' | 'pending'

export interface StatusStep {
  state: StepState
  code: number
}

export const STATUS_DETAIL_KEYS = [
  'csrStatus',
  'dcvStatus',
  'ovCallBackStatus',
  'organizationValidationStatus',
  'freeDVUPStatus',
  'evClickThroughStatus',
  'brandValStatus',
] as const
export type StatusDetailKey = (typeof STATUS_DETAIL_KEYS)[number]

/** Only the steps Sectigo sent; a missing step (e.g. evClickThroughStatus on a DV order) is simply absent. */
export type StatusDetails = Partial<Record<StatusDetailKey, StatusStep>>

export function stepState(code: number): StepState {
  if (code === -1) return 'not_required'
  if (code === 1) return 'completed'
  return 'pending'
}

export function readStatusDetails(r: FieldReader, prefix = ''): StatusDetails {
  const out: StatusDetails = {}
  for (const key of STATUS_DETAIL_KEYS) {
    const code = r.integer(prefix + key)
    if (code !== undefined) out[key] = { state: stepState(code), code }
  }
  return out
}
