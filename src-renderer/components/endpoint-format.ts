/**
 * Endpoint types as the contract delivers them, and the words and tones of their verdicts: one place,
 * shared by the certificate page and the dashboard.
 */
import type { MethodOutput } from '../../src-main/core/api/contract'
import type { Tone } from './order-format'

export type EndpointView = MethodOutput<'endpoints.list'>[number]
export type EndpointDetail = MethodOutput<'endpoints.get'>
export type CheckResult = MethodOutput<'endpoints.check'>['results'][number]
export type Verdict = CheckResult['verdict']
export type EndpointProblem = MethodOutput<'endpoints.problems'>[number]
export type Finding = CheckResult['findings'][number]
export type Fix = CheckResult['fixes'][number]

export const VERDICT_VIEW: Readonly<Record<Verdict, { label: string; tone: Tone }>> = {
  ok: { label: 'OK', tone: 'ok' },
  due: { label: 'Due for renewal', tone: 'warning' },
  mismatch: { label: 'Wrong certificate', tone: 'error' },
  chain: { label: 'Chain problem', tone: 'warning' },
  invalid: { label: 'Invalid', tone: 'error' },
  unreachable: { label: 'Unreachable', tone: 'neutral' },
}

/** What needs the user, of one result: the findings that set a verdict (notes left out). */
export function problemFindings(r: Pick<CheckResult, 'findings'>): Finding[] {
  return r.findings.filter((f) => f.severity !== 'info' && f.severity !== 'ok')
}
