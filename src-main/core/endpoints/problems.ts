import type { Db } from '../store/db'
import { listEndpointRows } from '../store/endpoints-repo'
import { endpointLabel } from './address'
import { VERDICTS, type EndpointProblem, type Verdict } from './types'

/**
 * Every endpoint whose current verdict is not ok, worst first, then longest-standing first: what the
 * dashboard lists and what alerts are made of.
 *
 * For the alerts (desktop integration): one row per endpoint, plain data, stable across calls until a
 * check changes the verdict. `since` is when the current verdict began and `previousVerdict` what it
 * was before, so "a change of verdict" is a row whose `since` is newer than the last time alerts were
 * raised. "Served certificate differs from stored" is `verdict: 'mismatch'`: `certificateId` is the
 * certificate the endpoint should serve, `servedCertificateId` what it served (null when CertDesk does
 * not hold it). Each change is also in the audit trail as `endpoint.verdict_changed`.
 */
export function listEndpointProblems(db: Db): EndpointProblem[] {
  const rank = (v: Verdict): number => VERDICTS.indexOf(v)
  return listEndpointRows(db)
    .filter((r): r is typeof r & { verdict: Exclude<Verdict, 'ok'>; verdictSince: string; lastCheckedAt: string } => r.verdict !== null && r.verdict !== 'ok' && r.verdictSince !== null && r.lastCheckedAt !== null)
    .map((r) => ({
      endpointId: r.id,
      label: endpointLabel(r),
      certificateId: r.certificateId,
      servedCertificateId: r.servedCertificateId,
      verdict: r.verdict,
      since: r.verdictSince,
      previousVerdict: r.previousVerdict,
      summary: r.summary ?? '',
      checkedAt: r.lastCheckedAt,
    }))
    .sort((a, b) => rank(a.verdict) - rank(b.verdict) || a.since.localeCompare(b.since))
}
