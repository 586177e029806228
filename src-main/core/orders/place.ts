import { CoreError, isCoreError } from '../errors'
import type { CsrDetail } from '../keys/csr-service'
import { decodeCsr, readCsrInput } from '../pki/csr-decode'
import type { SubjectInput } from '../pki/subject'
import { computeDcv } from '../pki/dcv'
import { isKeyType, keyTypeOf, type KeyType } from '../pki/keys'
import { isIpAddress } from '../pki/names'
import { lintCsr, lintDraft } from '../pki/lint'
import { normalizeSanEntry, sanKey, type San } from '../pki/subject'
import { DEFAULT_DCV_METHOD, type DcvMethod } from '../sectigo/dcv-methods'
import { isSectigoError } from '../sectigo/errors'
import { findProduct } from '../sectigo/products'
import { getCertificateRow } from '../store/certificates-repo'
import { getCsr, type CsrRow } from '../store/csrs-repo'
import { recordEvent, type Actor } from '../store/events-repo'
import { insertOrder, insertOrderDomains, listChildOrders, listOrderDomains, NEVER_SUBMITTED, type OrderRow, type StoredApplyOptions, type StoredOrganization } from '../store/orders-repo'
import { newId } from '../util/ids'
import { requireOrder, type OrderContext } from './order-context'
import { activeRenewal, isRenewable, stateLabel } from './order-states'
import { csrNames, defaultDomains, describeErrors, hasErrors, preflight, productInfo, type CsrFacts, type DomainChoice, type PreflightFinding, type ProductInfo } from './preflight'
import { newForeignRef } from './foreign-ref'
import { expectedCertificateDays, validityOutlook, type ValidityOutlook } from './validity-schedule'
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
  /** Advanced AutoApplySSL options (caCertificateID, emailAddress, add-ons...); new orders only. */
  options?: StoredApplyOptions
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
  /** The order term apart from the certificate it brings now (capped by the CA/B Forum schedule). */
  validity: ValidityOutlook & { termDays: number; certificateDays: number }
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

function wellFormedSans(values: readonly string[]): San[] {
  const seen = new Set<string>()
  return values.flatMap((raw) => {
    const checked = raw.trim() === '' ? null : normalizeSanEntry(raw)
    if (!checked?.ok || seen.has(sanKey(checked.san))) return []
    seen.add(sanKey(checked.san))
    return [checked.san]
  })
}

async function csrFacts(ctx: OrderContext, source: CsrSource): Promise<{ facts: CsrFacts; lint: ReturnType<typeof lintCsr>; der: Uint8Array | null }> {
  if ('generate' in source) {
    const g = source.generate
    // The names that parse; the lint below reports every one that does not (not only the first).
    const sans = wellFormedSans(g.sans)
    if (g.subject.cn && !sans.some((s) => s.value.toLowerCase() === g.subject.cn?.toLowerCase())) sans.unshift({ type: 'dns', value: g.subject.cn })
    return {
      facts: { subject: { cn: g.subject.cn ?? null, o: g.subject.o ?? null, c: g.subject.c ?? null, st: g.subject.st ?? null, l: g.subject.l ?? null }, sans },
      lint: lintDraft({ keyType: g.keyType, subject: g.subject, sans: g.sans }),
      der: null,
    }
  }
  const der = 'csrId' in source ? ctx.csrs.row(source.csrId).der : readCsrInput(source.pem)
  const decoded = await decodeCsr(der)
  // Always the public rules (Sectigo's), also for a CSR made for an internal CA.
  return { facts: decoded, lint: lintCsr(decoded, 'public'), der }
}

/** Product-aware checks before anything is created or paid; the order form calls it as the user types. */
export async function preflightDraft(ctx: OrderContext, input: OrderDraftInput): Promise<PreflightReport> {
  const account = ctx.accounts.row(input.accountId)
  const { facts, lint, der } = await csrFacts(ctx, input.csr)
  const domains = resolveDomains(input, facts)
  const now = ctx.clock.now()
  const findings = preflight({ productCode: input.productCode, days: input.days, csr: facts, csrLint: lint, domains, organization: input.organization ?? null, issuanceAt: now })
  if (account.status === 'auth_failed') findings.push({ severity: 'error', code: 'account-stopped', message: ctx.accounts.stoppedError(account).message, field: 'accountId' })
  if (der && input.remoteCheck !== false && !hasErrors(findings)) findings.push(...(await remoteCsrCheck(ctx, input.accountId, der, input.productCode)))
  const product = findProduct(input.productCode)
  return {
    ok: !hasErrors(findings),
    findings,
    product: product ? productInfo(product) : null,
    domains,
    estimatedCost: estimatedCost(ctx, input.accountId, input.productCode, input.days),
    validity: { termDays: input.days, certificateDays: expectedCertificateDays(now, input.days), ...validityOutlook(now) },
  }
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
export async function createDraft(
  ctx: OrderContext,
  input: OrderDraftInput,
  actor: Actor,
  opts: { kind?: 'new' | 'reissue'; parent?: OrderRow; renews?: OrderRow } = {},
): Promise<OrderRow> {
  const account = ctx.accounts.row(input.accountId)
  if (account.status === 'auth_failed') throw ctx.accounts.stoppedError(account)
  // Check what can be checked before a key or CSR is made.
  const pre = await preflightDraft(ctx, { ...input, remoteCheck: false })
  if (!pre.ok) throw new CoreError('invalid_input', `The order was not created: ${describeErrors(pre.findings)}`, { detail: { findings: pre.findings.filter((f) => f.severity === 'error').length } })
  const csr = await resolveCsr(ctx, input.csr, actor)
  const decoded = await decodeCsr(csr.der)
  const domains = resolveDomains(input, decoded)
  // Sectigo's rules, whatever the CSR was made for: a CSR made for an internal CA (csrs.purpose) keeps
  // its private names an error here, so such an order is refused before anything is paid.
  const findings = preflight({ productCode: input.productCode, days: input.days, csr: decoded, csrLint: lintCsr(decoded, 'public'), domains, organization: input.organization ?? null })
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
    ...NEVER_SUBMITTED,
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
    renewedFromOrderId: opts.renews?.id ?? null,
    // New orders send a letters-and-digits reference; a reissue sends none (Sectigo's reference stays the original's).
    foreignRef: (opts.kind ?? 'new') === 'new' ? newForeignRef() : null,
    // A reissue runs inside its parent's term.
    termStartAt: opts.parent?.termStartAt ?? null,
    termEndAt: opts.parent?.termEndAt ?? null,
    termSource: opts.parent?.termSource ?? null,
    duplicateOfOrderId: null,
    applyOptions: (opts.kind ?? 'new') === 'new' && input.options && Object.keys(input.options).length > 0 ? input.options : null,
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
        renewedFromOrderId: row.renewedFromOrderId,
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

/** Where a follow-up order's CSR comes from: a given CSR, or a new one for the earlier order's names (same key or a new one). */
async function keySource(ctx: OrderContext, earlier: OrderRow, k: ReissueKey): Promise<CsrSource> {
  if ('csrId' in k) return { csrId: k.csrId }
  if ('pem' in k) return { pem: k.pem }
  const { subject, sans } = await namesFor(ctx, earlier)
  if ('sameKey' in k) {
    if (!earlier.keyId) throw new CoreError('invalid_input', `The private key of order ${earlier.id} is not stored here; use a new key.`)
    const key = ctx.keys.get(earlier.keyId)
    return { generate: { keyType: key.algorithm as KeyType, keyId: key.id, subject, sans } }
  }
  return { generate: { keyType: k.newKey, subject, sans } }
}

/** The subject and SANs for a new CSR: from the earlier order's CSR, else (a synced order) from its certificate. */
async function namesFor(ctx: OrderContext, earlier: OrderRow): Promise<{ subject: SubjectInput; sans: string[] }> {
  if (earlier.csrId) {
    const d = await decodeCsr(ctx.csrs.row(earlier.csrId).der)
    const subject: SubjectInput = Object.fromEntries((['cn', 'o', 'ou', 'l', 'st', 'c', 'email'] as const).filter((f) => d.subject[f]).map((f) => [f, d.subject[f] as string]))
    return { subject, sans: d.sans.filter((s) => s.type === 'dns' || s.type === 'ip').map((s) => s.value) }
  }
  const cert = earlier.certificateRowId ? getCertificateRow(ctx.db, earlier.certificateRowId) : null
  if (!cert) throw new CoreError('invalid_input', `Neither the CSR nor the certificate of order ${earlier.id} is stored here; give a CSR.`)
  return { subject: cert.commonName ? { cn: cert.commonName } : {}, sans: cert.sans.filter((s) => s.type === 'dns' || s.type === 'ip').map((s) => s.value) }
}

/** The earlier order's live names with their methods (EMAIL keeps its address; an unknown method gets the default). */
function domainsOf(ctx: OrderContext, earlier: OrderRow): DomainChoice[] {
  return listOrderDomains(ctx.db, earlier.id)
    .filter((d) => !d.removed)
    .map((d) => ({ domain: d.domain, method: d.method === 'UNKNOWN' ? methodFor(d.domain, undefined) : d.method, ...(d.email ? { email: d.email } : {}) }))
}

// ---- reissue --------------------------------------------------------------------------------------

/** The reissue's key: a new CSR for the same key, a new key of a type, or a given CSR. */
export type ReissueKey = { sameKey: true } | { newKey: KeyType } | { csrId: string } | { pem: string }

export interface ReissueInput {
  /** Default: a new key of the same type (a reissue is the moment to rotate it). */
  key?: ReissueKey
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
  const key = input.key ?? { newKey: await sameKeyType(ctx, parent) }
  if (parent.kind === 'synced' && 'sameKey' in key) throw new CoreError('invalid_input', 'The CSR of a synced order is not stored here; reissue it with a new key or a given CSR.')
  const busy = listChildOrders(ctx.db, parent.id).find((c) => ['draft', 'submitting', 'unknown', 'failed'].includes(c.state))
  if (busy) throw new CoreError('conflict', `Reissue ${busy.id} of this order is ${stateLabel(busy.state).toLowerCase()}; settle or cancel it first.`)
  if (parent.termSource === 'sectigo' && parent.termEndAt && Date.parse(parent.termEndAt) <= ctx.clock.now().getTime()) {
    throw new CoreError('conflict', `The term of order ${parent.id} ended on ${parent.termEndAt.slice(0, 10)} (Sectigo's date), so it can no longer be reissued; renew it instead (a new purchase).`)
  }
  const source = await keySource(ctx, parent, key)
  const domains = input.domains ?? (input.dcvMethod === undefined ? domainsOf(ctx, parent) : undefined)
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

// ---- renewal --------------------------------------------------------------------------------------

export interface RenewInput {
  /** Default: a new key of the same type (the usual practice at renewal). */
  key?: ReissueKey
  /** Default: the earlier order's validity. */
  days?: number
  /** Default: the earlier order's product. */
  productCode?: number
}

/**
 * A renewal draft: a new purchase (AutoApplySSL, kind 'new') for the earlier order's account, names,
 * DCV methods, organisation and server software, linked by renewedFromOrderId. Nothing is sent until
 * it is submitted, and a second renewal of the same order is refused while one is under way.
 */
export async function createRenewalDraft(ctx: OrderContext, orderId: string, input: RenewInput, actor: Actor): Promise<OrderRow> {
  const earlier = requireOrder(ctx, orderId)
  if (earlier.state === 'replaced') {
    const current = listChildOrders(ctx.db, earlier.id).filter((c) => c.state === 'collected' || c.state === 'issued').pop()
    throw new CoreError('conflict', `Order ${earlier.id} was replaced by a reissue${current ? ` (${current.id})` : ''}; renew that one instead.`)
  }
  if (!isRenewable(earlier.state)) {
    throw new CoreError('conflict', `Order ${earlier.id} is ${stateLabel(earlier.state).toLowerCase()}; only an order whose certificate Sectigo issued can be renewed.`)
  }
  const active = activeRenewal(ctx.db, earlier.id)
  if (active) throw new CoreError('conflict', `Order ${earlier.id} is already being renewed by ${active.id}, now ${stateLabel(active.state).toLowerCase()}. Open that order instead of buying the same names again.`)
  const source = await keySource(ctx, earlier, input.key ?? { newKey: await sameKeyType(ctx, earlier) })
  return createDraft(
    ctx,
    {
      accountId: earlier.accountId,
      productCode: input.productCode ?? earlier.productCode,
      days: input.days ?? earlier.days,
      csr: source,
      domains: domainsOf(ctx, earlier),
      ...(earlier.organization ? { organization: earlier.organization } : {}),
      serverSoftware: earlier.serverSoftware,
    },
    actor,
    { kind: 'new', renews: earlier },
  )
}

/** The key type of the earlier order (its stored key, else its CSR's public key); EC P-256 when neither is known. */
async function sameKeyType(ctx: OrderContext, earlier: OrderRow): Promise<KeyType> {
  if (earlier.keyId) {
    const t = ctx.keys.get(earlier.keyId).algorithm
    if (isKeyType(t)) return t
  }
  if (earlier.csrId) {
    const t = keyTypeOf((await decodeCsr(ctx.csrs.row(earlier.csrId).der)).publicKey)
    if (t) return t
  }
  return DEFAULT_RENEWAL_KEY_TYPE
}

/** Key type for a renewal whose earlier key is unknown (a synced order without its CSR). */
export const DEFAULT_RENEWAL_KEY_TYPE: KeyType = 'ec-p256'
