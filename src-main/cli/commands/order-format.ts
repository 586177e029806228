import type { DcvCheckResult } from '../../core/orders/dcv-check'
import type { DcvInstruction } from '../../core/orders/dcv-instructions'
import type { OrderDetail, OrderSummary } from '../../core/orders/order-views'
import type { PreflightFinding } from '../../core/orders/preflight'
import { table } from '../io'

/** Plain-text views of orders for the CLI; --json prints the contract results instead. */
export function formatOrderTable(list: OrderSummary[]): string {
  return table(
    ['ID', 'STATE', 'PRODUCT', 'NAME', 'SECTIGO #', 'ACCOUNT', 'CREATED'],
    list.map((o) => [o.id, o.state, `${o.productCode}`, o.commonName ?? o.domains[0] ?? '-', o.sectigoOrderNumber ?? '-', o.accountLabel, o.createdAt.slice(0, 19)]),
  )
}

export function formatDcv(list: DcvInstruction[]): string {
  const out: string[] = []
  for (const d of list) {
    out.push(`  ${d.domain}  [${d.method}] ${d.status}${d.statusText ? ` (${d.statusText})` : ''}${d.removed ? ' REMOVED' : ''}`)
    if (d.removed || d.status === 'validated') continue
    if (d.file) {
      out.push(`    URL:      ${d.file.url}`)
      out.push(`    File:     ${d.file.fileName}`)
      out.push(`    Content:  ${d.file.content.split('\n').join('\n              ')}`)
    }
    if (d.cname) {
      out.push(`    CNAME:    ${d.cname.name}`)
      out.push(`    Target:   ${d.cname.target}`)
    }
    if (d.method === 'EMAIL') out.push(`    Approver: ${d.email ?? '(not chosen)'}`)
    if (!d.file && !d.cname && d.method !== 'EMAIL') out.push(`    ${d.summary}`)
  }
  return out.length ? `${out.join('\n')}\n` : '  (no names)\n'
}

export function formatOrder(o: OrderDetail): string {
  const lines = [
    `Order:       ${o.id}${o.kind !== 'new' ? ` (${o.kind}${o.parentOrderId ? ` of ${o.parentOrderId}` : ''})` : ''}`,
    `State:       ${o.state} - ${o.stateLabel}`,
    ...(o.stateReason ? [`             ${o.stateReason}`] : []),
    ...(o.problem ? [`PROBLEM:     ${o.problem}`] : []),
    `Account:     ${o.accountLabel} (${o.environment})`,
    `Product:     ${o.productCode} ${o.productName}, ${o.days}-day term`,
    ...(o.subject !== null ? [`Subject:     ${o.subject || '(empty)'}`] : []),
    ...(o.term ? [`Term:        ${o.term.startAt.slice(0, 10)} to ${o.term.endAt.slice(0, 10)}${o.term.source === 'estimate' ? ' (estimated; Sectigo has not reported it)' : ' (Sectigo)'}`] : []),
    `Sectigo:     ${o.sectigoOrderNumber ? `order ${o.sectigoOrderNumber}${o.sectigoCertificateId ? `, certificate ${o.sectigoCertificateId}` : ''}` : '(not placed)'}`,
    ...(o.totalCost ? [`Cost:        ${o.totalCost}${o.paymentRequired ? ' (payment required)' : ''}`] : []),
    ...(o.uniqueValue ? [`UniqueValue: ${o.uniqueValue}`] : []),
    ...(o.sectigoStatus ? [`Status:      Sectigo says "${o.sectigoStatus.text}"${o.sectigoStatus.meaning === 'unknown' ? ' (unknown to CertDesk: shown as is)' : ` (${o.sectigoStatus.meaning.replace('_', ' ')})`}`] : []),
    ...(o.duplicate ? [`DUPLICATE:   Sectigo ${o.duplicate.followedOrderNumber ?? '-'} (followed, ${o.duplicate.ofOrderId}) | ${o.duplicate.duplicateOrderNumber ?? '-'} (this one)`] : []),
    ...o.duplicates.map((d) => `DUPLICATE:   Sectigo ${o.sectigoOrderNumber ?? '-'} (this one) | ${d.orderNumber ?? '-'} (duplicate, ${d.orderId})`),
    ...(o.validation.validationStatus ? [`Validation:  ${o.validation.validationStatus}`] : []),
    ...o.validation.steps.map((s) => `  - ${s.label}: ${s.state}`),
    `Names and domain control validation:`,
  ]
  const tail = [
    ...(o.certificateId ? [`Certificate: ${o.certificateId} (valid until ${o.notAfter ?? '?'}); export with: certdesk export ${o.certificateId} --format fullchain --out FILE`] : []),
    ...(o.live.polling ? [`Next check:  ${o.nextPollAt ?? '-'}`] : []),
    ...(o.lastPollError ? [`Last error:  ${o.lastPollError}`] : []),
    ...(o.live.accountStatus !== 'ok' ? [`ACCOUNT STOPPED: ${o.live.accountStatusMessage ?? ''}`] : []),
    ...(o.renewalPath ? [`Next:        ${o.renewalPath.label}: certdesk order ${o.renewalPath.kind === 'reissue' ? 'reissue' : 'renew'} ${o.id}`] : []),
    ...(o.renewedFromOrderId ? [`Renews:      ${o.renewedFromOrderId}`] : []),
    ...(o.renewals.length ? [`Renewed by:  ${o.renewals.map((r) => `${r.id} (${r.state})`).join(', ')}`] : []),
    `Actions:     ${o.actions.length ? o.actions.join(', ') : '(none)'}`,
  ]
  return `${lines.join('\n')}\n${formatDcv(o.dcv)}${tail.join('\n')}\n`
}

export function formatFindings(findings: PreflightFinding[]): string {
  if (findings.length === 0) return 'Preflight: no findings\n'
  return `Preflight:\n${findings.map((f) => `  ${f.severity.toUpperCase().padEnd(7)} ${f.message}`).join('\n')}\n`
}

export function formatChecks(results: DcvCheckResult[]): string {
  return `${results.map((r) => `  ${r.domain}  [${r.method}] ${r.verdict.toUpperCase()}: ${r.detail}`).join('\n')}\n`
}
