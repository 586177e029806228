import { type JsonName } from '@peculiar/x509'
import { type Logger } from '../core/log/logger'
import { type Clock } from '../core/util/clock'
import { assertNever } from '../core/util/assert-never'
import { type Account, type Accounts } from './accounts'
import { apiError, type SectigoApiError } from './api-error'
import { type RevocationUrls, type SandboxCa } from './ca'
import { type ParsedCsr } from './csr'
import { type DcvChecker } from './dcv'
import { APPROVER_LIST_VALID_MS, CERTIFICATE_ID_DIGITS, GENERATED_UNIQUE_VALUE_CHARS, leafValidityCapDays, ORDER_NUMBER_DIGITS, REPORT_DEFAULT_FIRST_INDEX } from './limits'
import { baseDomain, isApproverFor, normalizeName } from './names'
import { type PlannedNames } from './order-request'
import {
  currentCertificate,
  describeCertificate,
  errorForState,
  isValidationComplete,
  nextState,
  STEP_NAMES,
  type CertificateRecord,
  type DcvMethod,
  type DomainValidation,
  type Order,
  type Organization,
  type StepName,
  type StepStatus,
} from './orders'
import { type Product } from './products'
import { type PushEvent, type PushNotifier } from './push'
import { randomAlnum, randomDigits, type Rng } from './rng'
import { type PersistedState, type StateFile } from './state-file'
import { encodePem } from '../core/pki/pem'

/**
 * The business rules of the Sandbox CA: orders, validation, issuance, reissue, revocation. Endpoint
 * files parse and format; this class decides. Every change to an order happens under that order's
 * lock and is persisted before the answer is written, so "reset after commit" faults lose only the
 * answer, never the order.
 */
export interface IssuanceOptions {
  /** Validate every name as soon as the order is placed (demo mode). */
  autoApproveDcv?: boolean
  /** Complete OV/EV organisation validation, callback and click-through at once (demo mode). */
  autoCompleteValidation?: boolean
  /** CollectSSL calls answered -26 ("being issued") after validation completes; default 0. */
  issuingPolls?: number
  /** Generate a uniqueValue when the client sends none (default true), so clients must use the answer. */
  generateUniqueValue?: boolean
}

export class ControlError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message)
    this.name = 'ControlError'
  }
}

export interface PlaceOrderInput {
  account: Account
  product: Product
  days: number
  serverSoftware: number
  csr: ParsedCsr
  names: PlannedNames
  dcv: Array<Pick<DomainValidation, 'domain' | 'method' | 'email'>>
  uniqueValue: string | null
  foreignOrderNumber: string | null
  test: boolean
  organization: Organization
  costCents: number
  /** Options the sandbox accepts but does not act on, recorded in the order's history (caCertificateID, emailAddress, add-ons). */
  notes?: string[]
}

export interface ReplaceInput {
  csr: ParsedCsr
  names: PlannedNames
  dcv: Array<Pick<DomainValidation, 'domain' | 'method' | 'email'>>
  uniqueValue: string | null
  serverSoftware: number | undefined
}

export interface ServiceDeps {
  ca: SandboxCa
  accounts: Accounts
  dcv: DcvChecker
  push: PushNotifier
  clock: Clock
  logger: Logger
  rng: Rng
  stateFile: StateFile | null
  issuance: IssuanceOptions
  /** WebHostReport's first row index (0 by default; see limits.ts REPORT_DEFAULT_FIRST_INDEX). */
  reportFirstIndex?: 0 | 1
}

const OID = {
  CN: '2.5.4.3',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  serialNumber: '2.5.4.5',
  businessCategory: '2.5.4.15',
  jurisdictionC: '1.3.6.1.4.1.311.60.2.1.3',
} as const

const REVOCATION_REASONS: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
}

const DAY_MS = 24 * 60 * 60_000

export class SandboxService {
  readonly orders = new Map<string, Order>()
  private readonly locks = new Map<string, Promise<unknown>>()
  /** When GetDCVEmailAddressList was last answered, per `<login>\n<name>` (Unix ms): the 24-hour rule. */
  private readonly approverLists = new Map<string, number>()
  /** Set once the server listens: the OCSP responder and CRL every new leaf names. */
  private revocationUrls: RevocationUrls | null = null

  constructor(private readonly d: ServiceDeps) {}

  /** The sandbox's clock (tests pass a fake one; endpoints read it for time windows). */
  get clock(): Clock {
    return this.d.clock
  }

  get reportFirstIndex(): 0 | 1 {
    return this.d.reportFirstIndex ?? REPORT_DEFAULT_FIRST_INDEX
  }

  get accounts(): Accounts {
    return this.d.accounts
  }

  get ca(): SandboxCa {
    return this.d.ca
  }

  // ---- persistence -------------------------------------------------------------------------

  loadFrom(state: PersistedState): void {
    for (const o of state.orders) this.orders.set(o.orderNumber, o)
    for (const [k, iso] of Object.entries(state.approverLists ?? {})) this.approverLists.set(k, Date.parse(iso))
    for (const [login, cents] of Object.entries(state.balancesCents)) {
      const a = this.d.accounts.get(login)
      if (a) a.balanceCents = cents
    }
  }

  async snapshot(): Promise<PersistedState> {
    return {
      version: 1,
      ca: await this.d.ca.export(),
      balancesCents: Object.fromEntries(this.d.accounts.all().map((a) => [a.loginName, a.balanceCents])),
      orders: [...this.orders.values()],
      approverLists: this.approverListsForState(),
    }
  }

  private approverListsForState(): Record<string, string> {
    return Object.fromEntries([...this.approverLists].map(([k, ms]) => [k, new Date(ms).toISOString()]))
  }

  private caMaterial: PersistedState['ca'] | null = null

  async initPersistence(): Promise<void> {
    this.caMaterial = await this.d.ca.export()
    this.persist()
  }

  /** Synchronous, atomic write: by the time an answer is sent, its effect is on disk. */
  persist(): void {
    if (!this.d.stateFile || !this.caMaterial) return
    this.d.stateFile.save({
      version: 1,
      ca: this.caMaterial,
      balancesCents: Object.fromEntries(this.d.accounts.all().map((a) => [a.loginName, a.balanceCents])),
      orders: [...this.orders.values()],
      approverLists: this.approverListsForState(),
    })
  }

  // ---- the 24-hour approver rule -------------------------------------------------------------

  /** GetDCVEmailAddressList answered for this account and name (its wildcard label dropped). */
  recordApproverList(account: Account, domain: string): void {
    this.approverLists.set(`${account.loginName}\n${baseDomain(domain)}`, this.d.clock.now().getTime())
    this.persist()
  }

  /**
   * Sectigo accepts a dcvEmailAddress only within 24 hours after GetDCVEmailAddressList was called for
   * that name (reference §3.5): -4 on `item` otherwise, the reason only in the log (Sectigo's -4 wording
   * carries no detail).
   */
  requireFreshApproverList(account: Account, domain: string, item: string): void {
    const at = this.approverLists.get(`${account.loginName}\n${baseDomain(domain)}`)
    const age = at === undefined ? null : this.d.clock.now().getTime() - at
    if (age === null || age > APPROVER_LIST_VALID_MS || age < 0) {
      throw apiError.invalid(item, `no GetDCVEmailAddressList for ${baseDomain(domain)} in the last 24 hours${age === null ? '' : ` (last one ${Math.round(age / 60_000)} min ago)`}`)
    }
  }

  /** The order term has ended (reissues are then refused). */
  termEnded(order: Order): boolean {
    return order.termEndAt !== undefined && order.termEndAt !== null && Date.parse(order.termEndAt) <= this.d.clock.now().getTime()
  }

  /** The server's address is known only once it listens; leaves issued from then on carry it. */
  setRevocationUrls(urls: RevocationUrls): void {
    this.revocationUrls = urls
  }

  /**
   * What the OCSP responder says about a serial (lower-case hex) the intermediate issued: good while
   * issued (also once replaced by a reissue: replacing does not revoke), revoked once revoked, and
   * unknown for a serial it never issued.
   */
  certificateStatus(serialHex: string): { status: 'good' | 'revoked' | 'unknown'; revokedAt: Date | null; reasonCode: number | null } {
    const want = serialHex.toLowerCase().replace(/^0+/, '')
    for (const o of this.orders.values()) {
      for (const c of o.certificates) {
        if (c.serialNumber === null || c.serialNumber.replace(/^0+/, '') !== want) continue
        if (c.status === 'revoked') return { status: 'revoked', revokedAt: new Date(c.statusChangedAt), reasonCode: c.revocationCode ?? 0 }
        return { status: 'good', revokedAt: null, reasonCode: null }
      }
    }
    return { status: 'unknown', revokedAt: null, reasonCode: null }
  }

  /** Every revoked certificate, for the CRL. */
  revokedCertificates(): { serialHex: string; revokedAt: Date; reasonCode: number }[] {
    return [...this.orders.values()].flatMap((o) =>
      o.certificates.filter((c) => c.status === 'revoked' && c.serialNumber !== null).map((c) => ({ serialHex: c.serialNumber ?? '', revokedAt: new Date(c.statusChangedAt), reasonCode: c.revocationCode ?? 0 })),
    )
  }

  // ---- helpers -----------------------------------------------------------------------------

  private now(): string {
    return this.d.clock.now().toISOString()
  }

  private note(order: Order, event: string): void {
    order.history.push({ at: this.now(), event })
  }

  private newOrderNumber(): string {
    for (;;) {
      const n = randomDigits(this.d.rng, ORDER_NUMBER_DIGITS)
      if (!this.orders.has(n)) return n
    }
  }

  private newCertificateId(): string {
    const used = new Set([...this.orders.values()].flatMap((o) => o.certificates.map((c) => c.certificateID)))
    for (;;) {
      const n = randomDigits(this.d.rng, CERTIFICATE_ID_DIGITS)
      if (!used.has(n)) return n
    }
  }

  /** Runs fn with the order locked: concurrent calls on one order are serialised. */
  async withOrder<T>(orderNumber: string, fn: (order: Order) => Promise<T> | T): Promise<T> {
    const prev = this.locks.get(orderNumber) ?? Promise.resolve()
    const run = prev.then(
      () => fn(this.requireOrder(orderNumber)),
      () => fn(this.requireOrder(orderNumber)),
    )
    const tail = run.catch(() => undefined)
    this.locks.set(orderNumber, tail)
    try {
      return await run
    } finally {
      if (this.locks.get(orderNumber) === tail) this.locks.delete(orderNumber)
    }
  }

  private requireOrder(orderNumber: string): Order {
    const o = this.orders.get(orderNumber)
    if (!o) throw new ControlError(404, `No order ${orderNumber}`)
    return o
  }

  /** An order of this account by orderNumber / baseOrderNumber / certificateID (-4 when unknown). */
  findOrder(account: Account, ref: { orderNumber?: string; certificateID?: string; serialNumber?: string }): { order: Order; cert: CertificateRecord | null } {
    if (ref.orderNumber !== undefined) {
      const o = this.orders.get(ref.orderNumber.trim())
      if (!o || o.loginName !== account.loginName) throw apiError.invalid('orderNumber', 'no such order for this account')
      return { order: o, cert: null }
    }
    for (const o of this.orders.values()) {
      if (o.loginName !== account.loginName) continue
      for (const c of o.certificates) {
        if (ref.certificateID !== undefined && c.certificateID === ref.certificateID.trim()) return { order: o, cert: c }
        if (
          ref.serialNumber !== undefined &&
          c.serialNumber !== null &&
          c.serialNumber.replace(/^0+/, '') === ref.serialNumber.trim().toLowerCase().replace(/[:\s]/g, '').replace(/^0+/, '')
        ) {
          return { order: o, cert: c }
        }
      }
    }
    throw ref.certificateID !== undefined
      ? apiError.invalid('certificateID', 'no such certificate for this account')
      : apiError.invalid('serialNumber', 'no such certificate for this account')
  }

  newUniqueValue(): string | null {
    return this.d.issuance.generateUniqueValue === false ? null : randomAlnum(this.d.rng, GENERATED_UNIQUE_VALUE_CHARS)
  }

  private newCertificateRecord(input: { csr: ParsedCsr; names: PlannedNames; uniqueValue: string | null; days: number }): CertificateRecord {
    const now = this.now()
    return {
      certificateID: this.newCertificateId(),
      status: 'pending',
      csrDerB64: input.csr.der.toString('base64'),
      spkiB64: input.csr.spki.toString('base64'),
      spkiSha256: input.csr.spkiSha256,
      keyAlgorithm: input.csr.keyAlgorithm,
      keyBits: input.csr.keyBits,
      signatureAlgorithm: input.csr.signatureAlgorithm,
      uniqueValue: input.uniqueValue,
      commonName: input.names.commonName,
      dnsNames: input.names.dnsNames,
      ipAddresses: input.names.ipAddresses,
      days: input.days,
      requestedAt: now,
      derB64: null,
      serialNumber: null,
      notBefore: null,
      notAfter: null,
      issuedAt: null,
      collected: false,
      statusChangedAt: now,
      revocationReason: null,
      revocationCode: null,
    }
  }

  // ---- placing and reissuing ---------------------------------------------------------------

  /** Commits a new order (charging debit accounts) and, in demo modes, validates it at once. */
  async placeOrder(input: PlaceOrderInput): Promise<Order> {
    const { account } = input
    const cost = input.test ? 0 : input.costCents
    if (account.billing === 'debit' && account.balanceCents < cost) throw apiError.notEnoughCredit()
    if (account.billing === 'debit') account.balanceCents -= cost
    const now = this.now()
    const order: Order = {
      orderNumber: this.newOrderNumber(),
      loginName: account.loginName,
      foreignOrderNumber: input.foreignOrderNumber,
      product: input.product.code,
      validation: input.product.validation,
      kind: input.product.kind,
      days: input.days,
      serverSoftware: input.serverSoftware,
      test: input.test,
      state: 'awaiting_validation',
      issuingPollsLeft: 0,
      createdAt: now,
      stateChangedAt: now,
      costCents: cost,
      paymentStatus: account.billing === 'debit' ? 0 : 1,
      organization: input.organization,
      dcv: input.dcv.map((d) => ({ ...d, validated: false, validatedAt: null, lastCheck: null })),
      steps: {
        'organization-validation': input.product.validation === 'DV' ? 'not_required' : 'pending',
        'ov-callback': input.product.validation === 'DV' ? 'not_required' : 'pending',
        'ev-click-through': input.product.validation === 'EV' ? 'pending' : 'not_required',
      },
      certificates: [this.newCertificateRecord({ csr: input.csr, names: input.names, uniqueValue: input.uniqueValue, days: input.days })],
      rejectionReason: null,
      evClickThroughEmail: input.product.validation === 'EV' ? `admin@${baseDomain(input.names.commonName ?? '')}` : null,
      removedDomains: [],
      history: [],
    }
    this.note(order, `placed product ${order.product} for ${order.days} days${input.notes && input.notes.length > 0 ? ` (${input.notes.join(', ')})` : ''}`)
    this.orders.set(order.orderNumber, order)
    this.persist()
    this.d.logger.info('sandbox order placed', { orderNumber: order.orderNumber, product: order.product, loginName: account.loginName })
    await this.withOrder(order.orderNumber, async (o) => {
      this.applyDemoModes(o)
      await this.progress(o)
    })
    return order
  }

  private applyDemoModes(order: Order): void {
    let changed = false
    if (this.d.issuance.autoApproveDcv) {
      for (const d of order.dcv) {
        if (!d.validated) {
          d.validated = true
          d.validatedAt = this.now()
          d.lastCheck = 'approved automatically (autoApproveDcv)'
          changed = true
        }
      }
    }
    if (this.d.issuance.autoCompleteValidation) {
      for (const s of STEP_NAMES) {
        if (order.steps[s] === 'pending') {
          order.steps[s] = 'done'
          changed = true
        }
      }
    }
    if (changed) {
      this.note(order, 'validated automatically (demo mode)')
      this.persist()
    }
  }

  /** AutoReplaceSSL: same order number, a new certificate ID; DCV kept only for the same key. */
  async replace(order: Order, input: ReplaceInput): Promise<CertificateRecord> {
    // Sectigo reissues inside the term only ("whichever is shorter: the remaining subscription term or the
    // remaining days", https://www.sectigo.com/knowledge-base/detail/multi-year-SSL-certificate-shows-397-days-validity-how-to-manage-it).
    if (this.termEnded(order)) throw apiError.invalid('orderNumber', `the order term ended at ${order.termEndAt ?? '?'}; a new order is needed`)
    order.state = nextState(order.state, 'reissue')
    const prevCert = currentCertificate(order)
    const sameKey = prevCert.spkiSha256 === input.csr.spkiSha256
    if (prevCert.status === 'pending') {
      prevCert.status = 'replaced'
      prevCert.statusChangedAt = this.now()
    }
    const prev = new Map(order.dcv.map((d) => [d.domain, d]))
    order.dcv = input.dcv.map((d) => {
      const p = prev.get(d.domain)
      const keep = sameKey && p?.validated === true
      return { ...d, validated: keep, validatedAt: keep ? (p?.validatedAt ?? null) : null, lastCheck: keep ? 'validated earlier with the same key' : null }
    })
    if (input.serverSoftware !== undefined) order.serverSoftware = input.serverSoftware
    const cert = this.newCertificateRecord({ csr: input.csr, names: input.names, uniqueValue: input.uniqueValue, days: order.days })
    order.certificates.push(cert)
    order.stateChangedAt = this.now()
    this.note(order, `reissue requested (certificate ${cert.certificateID}${sameKey ? ', same key' : ', new key'})`)
    this.persist()
    this.applyDemoModes(order)
    await this.progress(order)
    return cert
  }

  // ---- validation and issuance -------------------------------------------------------------

  /** Sectigo re-checks pending HTTP/CNAME validation when asked about an order; so does the sandbox. */
  async runDcvChecks(order: Order): Promise<Array<{ domain: string; ok: boolean; detail: string }>> {
    if (order.state !== 'awaiting_validation') return []
    const cert = currentCertificate(order)
    const csrDer = Buffer.from(cert.csrDerB64, 'base64')
    const results: Array<{ domain: string; ok: boolean; detail: string }> = []
    for (const d of order.dcv) {
      if (d.validated || d.method === 'EMAIL') continue
      const r = await this.d.dcv.check(d, csrDer, cert.uniqueValue)
      d.lastCheck = r.detail
      if (r.ok) {
        d.validated = true
        d.validatedAt = this.now()
        this.note(order, `DCV ${d.method} passed for ${d.domain}`)
      }
      results.push({ domain: d.domain, ok: r.ok, detail: r.detail })
      this.d.logger.info('sandbox dcv check', { orderNumber: order.orderNumber, domain: d.domain, method: d.method, ok: r.ok, detail: r.detail })
    }
    if (results.length > 0) this.persist()
    return results
  }

  /** Checks pending DCV, then moves the order on as far as its validation allows. */
  async refresh(order: Order): Promise<void> {
    await this.runDcvChecks(order)
    await this.progress(order)
  }

  async progress(order: Order): Promise<void> {
    if (order.state === 'awaiting_validation' && isValidationComplete(order)) {
      order.state = nextState(order.state, 'validated')
      order.issuingPollsLeft = this.d.issuance.issuingPolls ?? 0
      order.stateChangedAt = this.now()
      this.note(order, 'validation complete')
      this.persist()
    }
    if (order.state === 'issuing' && order.issuingPollsLeft <= 0) await this.issue(order)
  }

  /** A CollectSSL poll during the "being issued" window: -26 until the window is used up. */
  pollIssuing(order: Order): void {
    if (order.state !== 'issuing') return
    if (order.issuingPollsLeft > 0) {
      order.issuingPollsLeft--
      this.persist()
      throw apiError.beingIssued()
    }
  }

  private subjectFor(order: Order, cert: CertificateRecord): JsonName {
    const name: JsonName = []
    const org = order.organization
    const add = (oid: string, v: string | null | undefined): void => {
      if (v) name.push({ [oid]: [v] })
    }
    if (order.validation !== 'DV') {
      if (order.validation === 'EV') {
        add(OID.jurisdictionC, org.joiCountryName ?? org.countryName)
        add(OID.businessCategory, 'Private Organization')
        add(OID.serialNumber, org.companyNumber)
      }
      add(OID.C, org.countryName)
      add(OID.ST, org.stateOrProvinceName)
      add(OID.L, org.localityName)
      add(OID.O, org.organizationName)
      add(OID.OU, org.organizationalUnitName)
    }
    add(OID.CN, cert.commonName)
    return name
  }

  private async issue(order: Order): Promise<void> {
    const cert = currentCertificate(order)
    const at = this.d.clock.now()
    // The term starts with the first certificate and runs `days`; each certificate is capped by the
    // CA/B Forum schedule and by what is left of the term.
    if (!order.termStartAt || !order.termEndAt) {
      order.termStartAt = at.toISOString()
      order.termEndAt = new Date(at.getTime() + order.days * DAY_MS).toISOString()
    }
    const left = Math.floor((Date.parse(order.termEndAt) - at.getTime()) / DAY_MS)
    cert.days = Math.max(1, Math.min(leafValidityCapDays(at), left, order.days))
    const leaf = await this.d.ca.issueLeaf({
      spki: Buffer.from(cert.spkiB64, 'base64'),
      keyAlgorithm: cert.keyAlgorithm,
      subject: this.subjectFor(order, cert),
      dnsNames: cert.dnsNames,
      ipAddresses: cert.ipAddresses,
      validation: order.validation,
      notBefore: at,
      days: cert.days,
      ...(this.revocationUrls ? { revocation: this.revocationUrls } : {}),
    })
    const now = this.now()
    for (const c of order.certificates) {
      if (c !== cert && c.status === 'issued') {
        c.status = 'replaced'
        c.statusChangedAt = now
      }
    }
    cert.status = 'issued'
    cert.derB64 = leaf.der.toString('base64')
    cert.serialNumber = leaf.serialHex
    cert.notBefore = leaf.notBefore.toISOString()
    cert.notAfter = leaf.notAfter.toISOString()
    cert.issuedAt = now
    cert.statusChangedAt = now
    order.state = nextState(order.state, 'signed')
    order.stateChangedAt = now
    this.note(order, `issued certificate ${cert.certificateID} (serial ${leaf.serialHex}, ${cert.days} days; term until ${order.termEndAt})`)
    this.persist()
    this.d.logger.info('sandbox certificate issued', { orderNumber: order.orderNumber, certificateID: cert.certificateID })
    this.pushEvent(order, cert, 'Certificate', {
      ...(order.removedDomains.length > 0 ? { removedDomains: order.removedDomains.join(',') } : {}),
    })
  }

  markCollected(cert: CertificateRecord): void {
    if (!cert.collected) {
      cert.collected = true
      this.persist()
    }
  }

  // ---- changes to pending orders -----------------------------------------------------------

  async updateDcv(order: Order, changes: Array<{ domain: string | null; method: DcvMethod; email: string | null }>): Promise<void> {
    if (order.state !== 'awaiting_validation') throw this.notPending(order)
    for (const ch of changes) {
      const d = this.dcvEntry(order, ch.domain, 'domainName')
      d.method = ch.method
      d.email = ch.email
      d.lastCheck = null
      this.note(order, `DCV method for ${d.domain} set to ${ch.method}`)
    }
    this.persist()
    await this.refresh(order)
  }

  async resendDcvEmail(order: Order, account: Account, email: string | null): Promise<void> {
    if (order.state !== 'awaiting_validation') throw this.notPending(order)
    if (email !== null) {
      const target = order.dcv.find((d) => !d.validated && d.method === 'EMAIL' && isApproverFor(d.domain, email))
      if (!target) throw apiError.invalid('dcvEmailAddress', 'not an approver address of a name awaiting email validation')
      this.requireFreshApproverList(account, target.domain, 'dcvEmailAddress')
      target.email = email.toLowerCase()
    } else {
      // Without an address Sectigo reuses the last one; whether the 24-hour rule then applies is not
      // documented, so the sandbox applies it (stricter, never kinder).
      for (const d of order.dcv) if (!d.validated && d.method === 'EMAIL') this.requireFreshApproverList(account, d.domain, 'dcvEmailAddress')
    }
    this.note(order, 'DCV email resent / checks rescheduled')
    this.persist()
    await this.refresh(order)
  }

  /** AutoRemoveMDCDomain: drops a name; if it was the last one holding validation back, the order issues. */
  async removeMdcDomain(order: Order, domain: string): Promise<void> {
    if (order.kind !== 'mdc' && order.kind !== 'ucc') throw apiError.invalid('orderNumber', 'not a multi-domain order')
    if (order.state !== 'awaiting_validation') throw this.notPending(order)
    const name = normalizeName(domain)
    const idx = order.dcv.findIndex((d) => d.domain === name)
    if (idx < 0) throw apiError.invalid('domainName', `${name} is not in this order`)
    if (order.dcv.length === 1) throw apiError.invalid('domainName', 'the last name of an order cannot be removed')
    order.dcv.splice(idx, 1)
    const cert = currentCertificate(order)
    cert.dnsNames = cert.dnsNames.filter((n) => n !== name)
    cert.ipAddresses = cert.ipAddresses.filter((n) => n !== name)
    if (cert.commonName === name) cert.commonName = cert.dnsNames[0] ?? cert.ipAddresses[0] ?? null
    order.removedDomains.push(name)
    this.note(order, `removed ${name}`)
    this.persist()
    await this.progress(order)
  }

  private notPending(order: Order): SectigoApiError {
    return errorForState(order.state)
  }

  private dcvEntry(order: Order, domain: string | null, item: string): DomainValidation {
    if (domain === null) {
      if (order.dcv.length !== 1) throw apiError.missing(item)
      const only = order.dcv[0]
      if (!only) throw apiError.missing(item)
      return only
    }
    const n = normalizeName(domain)
    const d = order.dcv.find((x) => x.domain === n) ?? order.dcv.find((x) => baseDomain(x.domain) === n)
    if (!d) throw apiError.invalid(item, `${n} is not in this order`)
    return d
  }

  // ---- OV / EV steps -----------------------------------------------------------------------

  recordOvCallbackAction(order: Order, action: string): void {
    if (order.validation === 'DV') throw apiError.invalid('orderNumber', 'callbacks apply to OV and EV orders only')
    if (order.state === 'rejected' || order.state === 'revoked') throw errorForState(order.state)
    this.note(order, `OV callback action ${action}`)
    this.persist()
  }

  /** UpdateUserEvClickThrough: status 0 not relevant, 1 done (email sent), 2 same address, re-sent. */
  evClickThrough(order: Order, action: 'ReplaceMailAddress' | 'ResendEmail', email: string | null): { status: 0 | 1 | 2; description: string } {
    if (order.validation !== 'EV' || order.steps['ev-click-through'] !== 'pending' || order.state !== 'awaiting_validation') {
      return { status: 0, description: 'The action is not relevant for the current state of this order' }
    }
    let result: { status: 0 | 1 | 2; description: string }
    if (action === 'ReplaceMailAddress' && email !== null && email.toLowerCase() === order.evClickThroughEmail) {
      result = { status: 2, description: 'Email address was the same and was not changed; click-through email re-sent' }
    } else {
      if (action === 'ReplaceMailAddress' && email !== null) order.evClickThroughEmail = email.toLowerCase()
      result = { status: 1, description: 'Click-through email sent' }
    }
    this.note(order, `EV click-through ${action}`)
    this.persist()
    this.pushEvent(order, currentCertificate(order), 'Certificate', {}, { status: 'click-through', statusDesc: 'EV click-through e-mail sent' })
    return result
  }

  // ---- revocation --------------------------------------------------------------------------

  /**
   * AutoRevokeSSL: an unissued order is rejected; issued certificates are revoked. A certificateID or
   * serial of an older (replaced) certificate revokes only that one. test=Y checks and changes nothing.
   */
  revoke(order: Order, cert: CertificateRecord | null, opts: { reason: string | null; code: number; test: boolean }): void {
    const target = cert ?? currentCertificate(order)
    if (target.status === 'revoked') throw apiError.revoked()
    if (target.status === 'rejected') throw apiError.rejected()
    const wholeOrder = cert === null || target === currentCertificate(order)
    if (!wholeOrder && target.status === 'replaced' && target.derB64 === null) throw apiError.rejected()
    if (wholeOrder) {
      switch (order.state) {
        case 'issuing':
          throw opts.reason === null ? apiError.beingIssuedLegacy() : apiError.beingIssued()
        case 'rejected':
          throw apiError.rejected()
        case 'revoked':
          throw apiError.revoked()
        case 'awaiting_validation':
        case 'issued':
          break
        default:
          assertNever(order.state, 'order state')
      }
    }
    if (opts.test) return
    const now = this.now()
    const reason = opts.reason ?? 'revoked through the API'
    if (wholeOrder && order.state === 'awaiting_validation' && latestIssuedOf(order) === undefined) {
      order.state = nextState(order.state, 'cancel')
      order.rejectionReason = reason
      const c = currentCertificate(order)
      c.status = 'rejected'
      c.statusChangedAt = now
      order.stateChangedAt = now
      this.note(order, `rejected: ${reason}`)
      this.persist()
      this.pushEvent(order, c, 'Certificate')
      return
    }
    const toRevoke = wholeOrder ? order.certificates.filter((c) => c.derB64 !== null && c.status !== 'revoked') : [target]
    for (const c of toRevoke) {
      c.status = 'revoked'
      c.revocationReason = reason
      c.revocationCode = opts.code
      c.statusChangedAt = now
    }
    if (wholeOrder) {
      if (order.state === 'awaiting_validation') {
        // A reissue was pending: the pending request ends with the order.
        const c = currentCertificate(order)
        if (c.status === 'pending') c.status = 'rejected'
        order.state = 'issued'
      }
      order.state = nextState(order.state, 'revoke')
      order.stateChangedAt = now
    }
    this.note(order, `revoked ${toRevoke.map((c) => c.certificateID).join(', ')}: ${reason}`)
    this.persist()
    const last = toRevoke[toRevoke.length - 1]
    if (last) {
      this.pushEvent(order, last, 'Certificate', {
        revocationReasonCode: opts.code,
        revocationReasonName: REVOCATION_REASONS[opts.code] ?? 'unspecified',
      })
    }
  }

  // ---- control operations ------------------------------------------------------------------

  async approveDcv(order: Order, domain: string | null): Promise<DomainValidation[]> {
    if (order.state !== 'awaiting_validation') throw new ControlError(409, `Order ${order.orderNumber} is not awaiting validation (${order.state})`)
    const targets = domain === null ? order.dcv : [this.controlDcvEntry(order, domain)]
    for (const d of targets) {
      if (d.validated) continue
      d.validated = true
      d.validatedAt = this.now()
      d.lastCheck = 'approved through the control API'
      this.note(order, `DCV approved for ${d.domain}`)
    }
    this.persist()
    await this.progress(order)
    return targets
  }

  private controlDcvEntry(order: Order, domain: string): DomainValidation {
    try {
      return this.dcvEntry(order, domain, 'domain')
    } catch {
      throw new ControlError(404, `${domain} is not a name of order ${order.orderNumber}`)
    }
  }

  async advance(order: Order, step: StepName | 'all'): Promise<Record<StepName, StepStatus>> {
    const steps = step === 'all' ? STEP_NAMES.filter((s) => order.steps[s] === 'pending') : [step]
    for (const s of steps) {
      if (order.steps[s] !== 'pending') throw new ControlError(409, `Step ${s} of order ${order.orderNumber} is ${order.steps[s]}, not pending`)
    }
    for (const s of steps) {
      order.steps[s] = 'done'
      this.note(order, `${s} completed`)
      if (s === 'ov-callback') {
        this.pushEvent(order, currentCertificate(order), 'CallBack', {}, { status: 'verified', statusDesc: 'Phone number verified' })
      }
    }
    this.persist()
    await this.progress(order)
    return order.steps
  }

  /** The CA refuses the order (e.g. validation failed): afterwards the API answers -20. */
  reject(order: Order, reason: string): void {
    if (order.state !== 'awaiting_validation') throw new ControlError(409, `Order ${order.orderNumber} cannot be rejected in state ${order.state}`)
    this.revoke(order, null, { reason, code: 0, test: false })
  }

  reset(): void {
    this.orders.clear()
    for (const a of this.d.accounts.all()) a.balanceCents = a.initialBalanceCents
    this.persist()
  }

  // ---- push --------------------------------------------------------------------------------

  private pushEvent(
    order: Order,
    cert: CertificateRecord,
    eventType: PushEvent['eventType'],
    extra: Partial<PushEvent> = {},
    override: { status?: string; statusDesc?: string } = {},
  ): void {
    const account = this.d.accounts.get(order.loginName)
    if (!account?.pushUrl) return
    const view = describeCertificate(order, cert, this.d.clock.now())
    const event: PushEvent = {
      orderNumber: order.orderNumber,
      certificateID: cert.certificateID,
      eventType,
      status: override.status ?? view.status,
      statusCode: view.statusCode,
      statusDesc: override.statusDesc ?? view.statusDesc,
      ...extra,
    }
    if (account.pushCertificate && cert.derB64 !== null && cert.status === 'issued') {
      event.certificatePem = encodePem('CERTIFICATE', Buffer.from(cert.derB64, 'base64'))
      event.caCertificatePem = this.d.ca.chainDers().map((d) => encodePem('CERTIFICATE', d)).join('')
    }
    this.d.push.send({ url: account.pushUrl, basicAuth: account.pushBasicAuth, includeCertificate: account.pushCertificate }, event)
  }
}

function latestIssuedOf(order: Order): CertificateRecord | undefined {
  return [...order.certificates].reverse().find((c) => c.derB64 !== null)
}
