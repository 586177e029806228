import { CoreError, isCoreError } from '../errors'
import type { CsrDetail } from '../keys/csr-service'
import { decodeCsr, readCsrInput } from '../pki/csr-decode'
import type { SubjectInput } from '../pki/csr'
import { computeDcv } from '../pki/dcv'
import { type KeyType } from '../pki/keys'
import { isIpAddress } from '../pki/names'
import { lintCsr, lintDraft } from '../pki/lint'
import { parseSanList } from '../pki/csr'
import { DEFAULT_DCV_METHOD, type DcvMethod } from '../sectigo/dcv-methods'
import { isSectigoError } from '../sectigo/errors'
import { findProduct } from '../sectigo/products'
import { getCsr, type CsrRow } from '../store/csrs-repo'
import { recordEvent, type Actor } from '../store/events-repo'
import { insertOrder, insertOrderDomains, listChildOrders, listOrderDomains, type OrderRow, type StoredOrganization } from '../store/orders-repo'
import { newId } from '../util/ids'
import { requireOrder, type OrderContext } from './order-context'
import { stateLabel } from './order-states'
import { csrNames, defaultDomains, describeErrors, hasErrors, preflight, productInfo, type CsrFacts, type DomainChoice, type PreflightFinding, type ProductInfo } from './preflight'
import { newUniqueValue } from './unique-value'

/** Where the order's CSR comes from. */
export type CsrSource =
  | { csrId: string }
  | { pem: string }
  | { generate: { keyType: KeyType; keyId?: string; subject: SubjectInput; sans: string[] } }

export interface OrderDraftInput {
  accountId: string
  productCode: number
  days: number
  csr: CsrSource
  /** Every name with its DCV method; default: the product's names from the CSR, each with `dcvMethod`. */
  domains?: DomainChoice[]
  /** Method for names not listed in `domains` (default CNAME_CSR_HASH; HTTP_CSR_HASH for IP addresses). */
  dcvMethod?: DcvMethod
  /** Approver address when `dcvMethod` is EMAIL on a single-name order. */
  dcvEmail?: string
  organization?: StoredOrganization
  serverSoftware?: number
  /** Ask Sectigo's DecodeCSR too (no credentials, no cost). Default true. */
  remoteCheck?: boolean
}

export interface PreflightReport {
  ok: boolean
  findings: PreflightFinding[]
  product: ProductInfo | null
  /** The names and methods the order would use. */
  domains: DomainChoice[]
  /** What the same product and validity cost on this account last time (Sectigo's API has no price list). */
  estimatedCost: { amount: string; basis: string } | null
}

function methodFor(name: string, fallback: DcvMethod | undefined): DcvMethod {
  if (fallback) return fallback
  return isIpAddress(name) ? 'HTTP_CSR_HASH' : DEFAULT_DCV_METHOD
}

function resolveDomains(input: Pick<OrderDraftInput, 'domains' | 'dcvMethod' | 'dcvEmail' | 'productCode'>, facts: CsrFacts): DomainChoice[] {
  if (input.domains && input.domains.length > 0) {
    return input.domains.map((d) => ({ domain: d.domain.trim().toLowerCase(), method: d.method, ...(d.email ? { email: d.email.trim() } : {}) }))
  }
  const product = findProduct(input.productCode)
  const names = product ? defaultDomains(product, facts) : csrNames(facts)
  return names.map((n) => {
    const method = methodFor(n, input.dcvMethod)
    return { domain: n, method, ...(method === 'EMAIL' && input.dcvEmail ? { email: input.dcvEmail.trim() } : {}) }
  })
}

function estimatedCost(ctx: OrderContext, accountId: string, productCode: number, days: number): PreflightReport['estimatedCost'] {
  const row = ctx.db
    .prepare('SELECT total_cost FROM orders WHERE account_id = ? AND product_code = ? AND days = ? AND total_cost IS NOT NULL AND kind = ? ORDER BY placed_at DESC LIMIT 1')
    .get(accountId, productCode, days, 'new') as { total_cost: string } | undefined
  return row ? { amount: row.total_cost, basis: 'what this product and validity cost on this account last time' } : null
}

/** Sectigo's own look at the CSR (DecodeCSR with the product code). A CSR problem is an error; being unreachable only a warning. */
async function remoteCsrCheck(ctx: OrderContext, accountId: string, der: Uint8Array, productCode: number): Promise<PreflightFinding[]> {
  try {
    const r = await ctx.accounts.call(accountId, (c) => c.decodeCsr({ csrDer: der, product: productCode }))
    const local = computeDcv(der)
    if ((r.sha256 && r.sha256 !== local.sha256) || (r.md5 && r.md5.toUpperCase() !== local.md5)) {
      return [{ severity: 'warning', code: 'sectigo-hash-mismatch', message: 'Sectigo computes different CSR hashes than CertDesk; DCV values shown here may be wrong. Use the values Sectigo shows.', field: 'csr' }]
    }
    return [{ severity: 'info', code: 'sectigo-csr-ok', message: 'Sectigo decoded the CSR and accepts it for this product.', field: 'csr' }]
  } catch (e) {
    if (isSectigoError(e) && e.errorClass === 'permanent' && e.phase === 'answered') {
      return [{ severity: 'error', code: 'sectigo-csr-refused', message: `Sectigo refuses the CSR for this product: ${e.serverMessage ?? e.message}`, field: 'csr' }]
    }
    return [{ severity: 'warning', code: 'sectigo-csr-unchecked', message: `Sectigo's CSR check could not run (${isCoreError(e) ? e.message : 'unexpected error'}); the local checks passed.`, field: 'csr' }]
  }
}

async function csrFacts(ctx: OrderContext, source: CsrSource): Promise<{ facts: CsrFacts; lint: ReturnType<typeof lintCsr>; der: Uint8Array | null }> {
  if ('generate' in source) {
    const g = source.generate
    const sans = parseSanList(g.sans)
    if (g.subject.cn && !sans.some((s) => s.value.toLowerCase() === g.subject.cn?.toLowerCase())) sans.unshift({ type: 'dns', value: g.subject.cn })
    return {
      facts: { subject: { cn: g.subject.cn ?? null, o: g.subject.o ?? null, c: g.subject.c ?? null, st: g.subject.st ?? null, l: g.subject.l ?? null }, sans },
      lint: lintDraft({ keyType: g.keyType, subject: g.subject, sans: g.sans }),
      der: null,
    }
  }
  const der = 'csrId' in source ? ctx.csrs.row(source.csrId).der : readCsrInput(source.pem)
  const decoded = await decodeCsr(der)
  return { facts: decoded, lint: lintCsr(decoded), der }
}

/** Product-aware checks before anything is created or paid; the order form calls it as the user types. */
export async function preflightDraft(ctx: OrderContext, input: OrderDraftInput): Promise<PreflightReport> {
  const account = ctx.accounts.row(input.accountId)
  const { facts, lint, der } = await csrFacts(ctx, input.csr)
  const domains = resolveDomains(input, facts)
  const findings = preflight({ productCode: input.productCode, days: input.days, csr: facts, csrLint: lint, domains, organization: input.organization ?? null })
  if (account.status === 'auth_failed') findings.push({ severity: 'error', code: 'account-stopped', message: ctx.accounts.stoppedError(account).message, field: 'accountId' })
  if (der && input.remoteCheck !== false && !hasErrors(findings)) findings.push(...(await remoteCsrCheck(ctx, input.accountId, der, input.productCode)))
  const product = findProduct(input.productCode)
  return { ok: !hasErrors(findings), findings, product: product ? productInfo(product) : null, domains, estimatedCost: estimatedCost(ctx, input.accountId, input.productCode, input.days) }
}

async function resolveCsr(ctx: OrderContext, source: CsrSource, actor: Actor): Promise<CsrRow> {
  if ('csrId' in source) return ctx.csrs.row(source.csrId)
  let detail: CsrDetail
  if ('pem' in source) detail = await ctx.csrs.import(source.pem, { actor })
  else detail = await ctx.csrs.generate({ ...source.generate, ...(source.generate.keyId ? { keyId: source.generate.keyId } : {}) }, actor)
  const row = getCsr(ctx.db, detail.id)
  if (!row) throw new CoreError('internal', `CSR ${detail.id} vanished after it was stored.`)
  return row
}

/**
 * Creates the order as a draft (nothing sent, nothing paid) after the preflight passed: the CSR is
 * resolved (stored, imported or generated), the uniqueValue generated, the names and DCV methods fixed,
 * so the DCV values are known before submission.
 */
export async function createDraft(ctx: OrderContext, input: OrderDraftInput, actor: Actor, opts: { kind?: 'new' | 'reissue'; parent?: OrderRow } = {}): Promise<OrderRow> {
  const account = ctx.accounts.row(input.accountId)
  if (account.status === 'auth_failed') throw ctx.accounts.stoppedError(account)
  // Check what can be checked before a key or CSR is made.
  const pre = await preflightDraft(ctx, { ...input, remoteCheck: false })
  if (!pre.ok) throw new CoreError('invalid_input', `The order was not created: ${describeErrors(pre.findings)}`, { detail: { findings: pre.findings.filter((f) => f.severity === 'error').length } })
  const csr = await resolveCsr(ctx, input.csr, actor)
  const decoded = await decodeCsr(csr.der)
  const domains = resolveDomains(input, decoded)
  const findings = preflight({ productCode: input.productCode, days: input.days, csr: decoded, csrLint: lintCsr(decoded), domains, organization: input.organization ?? null })
  if (input.remoteCheck !== false && !hasErrors(findings)) findings.push(...(await remoteCsrCheck(ctx, input.accountId, csr.der, input.productCode)))
  if (hasErrors(findings)) throw new CoreError('invalid_input', `The order was not created: ${describeErrors(findings)}`)
  const product = findProduct(input.productCode)
  const now = ctx.clock.now().toISOString()
  const id = newId('ord')
  const row: OrderRow = {
    id,
    accountId: input.accountId,
    kind: opts.kind ?? 'new',
    parentOrderId: opts.parent?.id ?? null,
    csrId: csr.id,
    keyId: csr.keyId,
    spkiSha256: csr.spkiSha256,
    productCode: input.productCode,
    days: input.days,
    serverSoftware: input.serverSoftware ?? -1,
    organization: product && product.validation !== 'DV' ? (input.organization ?? null) : null,
    uniqueValue: newUniqueValue(),
    state: 'draft',
    stateReason: 'Created; not sent to Sectigo yet.',
    problem: null,
    sectigoOrderNumber: null,
    sectigoCertificateId: null,
    totalCost: null,
    paymentRequired: null,
    submitAttempt: 0,
    submitOwner: null,
    submitStartedAt: null,
    resendAllowed: false,
    reconcileCheckedAt: null,
    reconcileCount: 0,
    certificateStatusText: null,
    validationStatusText: null,
    statusDetails: {},
    notBefore: null,
    notAfter: null,
    certificateRowId: null,
    nextPollAt: null,
    pollFailures: 0,
    lastPolledAt: null,
    lastPollError: null,
    createdAt: now,
    updatedAt: now,
    placedAt: null,
    collectedAt: null,
  }
  ctx.db.transaction(() => {
    insertOrder(ctx.db, row)
    insertOrderDomains(
      ctx.db,
      domains.map((d, i) => ({ orderId: id, position: i, domain: d.domain, method: d.method, email: d.email ?? null, dcvStatus: 'pending', dcvStatusText: null, removed: false, checkedAt: null })),
    )
    recordEvent(ctx.db, ctx.clock, {
      actor,
      action: 'order.draft',
      subjectType: 'order',
      subjectId: id,
      detail: {
        kind: row.kind,
        parentOrderId: row.parentOrderId,
        accountId: input.accountId,
        productCode: input.productCode,
        days: input.days,
        csrId: csr.id,
        domains: domains.map((d) => `${d.domain}:${d.method}`),
        warnings: findings.filter((f) => f.severity === 'warning').length,
      },
    })
  }).immediate()
  return requireOrder(ctx, id)
}

// ---- reissue --------------------------------------------------------------------------------------

/** The reissue's key: a new CSR for the same key, a new key of a type, or a given CSR. */
export type ReissueKey = { sameKey: true } | { newKey: KeyType } | { csrId: string } | { pem: string }

export interface ReissueInput {
  key: ReissueKey
  /** Names and methods; default: the parent's names with their methods (EMAIL keeps its address). */
  domains?: DomainChoice[]
  dcvMethod?: DcvMethod
}

/**
 * A reissue draft (AutoReplaceSSL when submitted): its own row, CSR, uniqueValue and DCV, sharing the
 * parent's Sectigo order. Same key and same names usually need no new DCV; a new key always does.
 */
export async function createReissueDraft(ctx: OrderContext, parentId: string, input: ReissueInput, actor: Actor): Promise<OrderRow> {
  const parent = requireOrder(ctx, parentId)
  if (!['awaiting_validation', 'placed', 'issued', 'collected'].includes(parent.state) || !parent.sectigoOrderNumber) {
    throw new CoreError('conflict', `Order ${parent.id} is ${stateLabel(parent.state).toLowerCase()}; only an order placed at Sectigo can be reissued.`)
  }
  if (parent.kind === 'synced' && 'sameKey' in input.key) throw new CoreError('invalid_input', 'The CSR of a synced order is not stored here; reissue it with a new key or a given CSR.')
  const busy = listChildOrders(ctx.db, parent.id).find((c) => ['draft', 'submitting', 'unknown', 'failed'].includes(c.state))
  if (busy) throw new CoreError('conflict', `Reissue ${busy.id} of this order is ${stateLabel(busy.state).toLowerCase()}; settle or cancel it first.`)
  const parentCsr = parent.csrId ? ctx.csrs.row(parent.csrId) : null
  let source: CsrSource
  const k = input.key
  if ('csrId' in k) source = { csrId: k.csrId }
  else if ('pem' in k) source = { pem: k.pem }
  else {
    if (!parentCsr) throw new CoreError('invalid_input', 'The original CSR is not stored here; give a CSR for the reissue.')
    const d = await decodeCsr(parentCsr.der)
    const subject: SubjectInput = Object.fromEntries(
      (['cn', 'o', 'ou', 'l', 'st', 'c', 'email'] as const).filter((f) => d.subject[f]).map((f) => [f, d.subject[f] as string]),
    )
    const sans = d.sans.filter((s) => s.type === 'dns' || s.type === 'ip').map((s) => s.value)
    if ('sameKey' in k) {
      if (!parent.keyId) throw new CoreError('invalid_input', "The original order's private key is not stored here; reissue with a new key.")
      const key = ctx.keys.get(parent.keyId)
      source = { generate: { keyType: key.algorithm as KeyType, keyId: key.id, subject, sans } }
    } else {
      source = { generate: { keyType: k.newKey, subject, sans } }
    }
  }
  const parentDomains = listOrderDomains(ctx.db, parent.id).filter((d) => !d.removed)
  const domains =
    input.domains ??
    (input.dcvMethod === undefined
      ? parentDomains.map((d) => ({ domain: d.domain, method: d.method === 'UNKNOWN' ? methodFor(d.domain, undefined) : d.method, ...(d.email ? { email: d.email } : {}) }))
      : undefined)
  return createDraft(
    ctx,
    {
      accountId: parent.accountId,
      productCode: parent.productCode,
      days: parent.days,
      csr: source,
      ...(domains ? { domains } : {}),
      ...(input.dcvMethod ? { dcvMethod: input.dcvMethod } : {}),
      ...(parent.organization ? { organization: parent.organization } : {}),
      serverSoftware: parent.serverSoftware,
    },
    actor,
    { kind: 'reissue', parent },
  )
}
