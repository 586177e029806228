import { requireCertificate, roleOf } from '../certs/chain-service'
import { forgetChainsThrough } from '../certs/chain-state'
import { refreshSuccession, withNeighbours } from '../certs/estate-index'
import { CoreError, type ErrorCode } from '../errors'
import type { Logger } from '../log/logger'
import {
  countCertificatesIssuedBy,
  deleteCertificateRow,
  findCertificatesByKey,
  unlinkKeyFromCertificates,
  type CertificateRow,
} from '../store/certificates-repo'
import { deleteCsrRow, findCsrsByKey, getCsr, unlinkCsrKey } from '../store/csrs-repo'
import { checkpoint, type Db } from '../store/db'
import { recordEvent, type Actor } from '../store/events-repo'
import { deleteKeyRow, getKey, type KeyRow } from '../store/keys-repo'
import { getOrderRow, listOrdersByCsr, listOrdersUsingKey, unlinkKeyFromOrders } from '../store/orders-repo'
import { formatUtcMinute, type Clock } from '../util/clock'
import { describeOrders, howToSettle, isSettled } from './still-needed'

/** What a deletion did: ids only, never key material. */
export interface DeletionReport {
  /** Rows removed. */
  deleted: { keys: string[]; csrs: string[]; certificates: string[] }
  /** Rows kept as history that no longer point at the deleted key. */
  unlinked: { csrs: string[]; certificates: string[]; orders: string[] }
  /** What the deletion changes elsewhere, in words (a deleted intermediate leaves chains without it). */
  notes: string[]
}

/** What deleting a selection did: the ids deleted, and each refusal with its reason. */
export interface BulkDeletionReport {
  deleted: string[]
  refused: { id: string; code: ErrorCode; reason: string }[]
  notes: string[]
}

export interface DeletionDeps {
  db: Db
  clock: Clock
  logger: Logger
}

/**
 * Deleting private keys, CSRs and certificates, with guard rails: nothing still needed by a valid
 * certificate or an unfinished order goes, and history (orders, expired certificates) stays. Each
 * deletion and its audit event are one IMMEDIATE transaction, so the checks see what the delete sees.
 */
export class DeletionService {
  constructor(private readonly deps: DeletionDeps) {}

  /**
   * Deletes a private key and those of its CSRs no order refers to; expired certificates, CSRs kept by
   * orders and finished orders stay, without the key. Then truncates the WAL (K7): secure_delete zeroes
   * the row in the database, and the checkpoint drops the older copies of its pages from the WAL.
   */
  deleteKey(id: string, actor: Actor): DeletionReport {
    const { db, clock } = this.deps
    const report = db
      .transaction(() => {
        const key = getKey(db, id)
        if (!key) throw new CoreError('not_found', `No key with id ${id}.`)
        this.refuseWhileKeyNeeded(key, clock.now())
        const csrs = findCsrsByKey(db, id)
        const keptCsrs = csrs.filter((c) => listOrdersByCsr(db, c.id).length > 0).map((c) => c.id)
        const deletedCsrs = csrs.map((c) => c.id).filter((c) => !keptCsrs.includes(c))
        for (const c of keptCsrs) unlinkCsrKey(db, c)
        for (const c of deletedCsrs) deleteCsrRow(db, c)
        const certificates = findCertificatesByKey(db, id).map((c) => c.id)
        unlinkKeyFromCertificates(db, id)
        const orders = unlinkKeyFromOrders(db, id)
        deleteKeyRow(db, id)
        recordEvent(db, clock, {
          actor,
          action: 'key.deleted',
          subjectType: 'key',
          subjectId: id,
          detail: {
            algorithm: key.algorithm,
            spkiSha256: key.spkiSha256,
            csrsDeleted: deletedCsrs,
            csrsKept: keptCsrs,
            certificatesKept: certificates,
            ordersKept: orders,
          },
        })
        return {
          deleted: { keys: [id], csrs: deletedCsrs, certificates: [] },
          unlinked: { csrs: keptCsrs, certificates, orders },
          notes: [],
        }
      })
      .immediate()
    if (!checkpoint(db)) {
      // Another connection is reading; its next checkpoint (at the latest when it closes) finishes the job.
      this.deps.logger.warn('WAL not truncated after a key deletion: another connection was reading', {
        keyId: id,
      })
    }
    return report
  }

  /** Deletes a CSR no order refers to; its key stays. */
  deleteCsr(id: string, actor: Actor): DeletionReport {
    const { db, clock } = this.deps
    return db
      .transaction(() => {
        const csr = getCsr(db, id)
        if (!csr) throw new CoreError('not_found', `No CSR with id ${id}.`)
        const orders = listOrdersByCsr(db, id)
        if (orders.length > 0) {
          const unfinished = orders.some((o) => !isSettled(o, clock.now()))
          const key = csr.keyId
            ? `To remove its private key, delete key ${csr.keyId}${unfinished ? ' once the order is finished' : ''}.`
            : 'Its private key is not stored here.'
          throw new CoreError(
            'conflict',
            `CSR ${id} belongs to ${describeOrders(orders)}, which keeps it as its record, so it cannot be deleted. ${key}`,
          )
        }
        deleteCsrRow(db, id)
        recordEvent(db, clock, {
          actor,
          action: 'csr.deleted',
          subjectType: 'csr',
          subjectId: id,
          detail: { keyId: csr.keyId, subject: csr.subject, sha256: csr.sha256 },
        })
        return {
          deleted: { keys: [], csrs: [id], certificates: [] },
          unlinked: { csrs: [], certificates: [], orders: [] },
          notes: [],
        }
      })
      .immediate()
  }

  /**
   * Deletes one certificate row (its key stays). Refused while the order it was collected for is not
   * finished. A deleted CA certificate simply stops being found when chains are built on read.
   */
  deleteCertificate(idOrFingerprint: string, actor: Actor): DeletionReport {
    const { db, clock } = this.deps
    return db
      .transaction(() => {
        const cert = requireCertificate(db, idOrFingerprint)
        const order = cert.orderId ? getOrderRow(db, cert.orderId) : null
        if (order && !isSettled(order, clock.now())) {
          throw new CoreError(
            'conflict',
            `Certificate ${cert.id} belongs to ${describeOrders([order])}, which is not finished. To delete the certificate, ${howToSettle(order)}.`,
          )
        }
        const issued = cert.isCa ? countCertificatesIssuedBy(db, cert.subjectHash, cert.id) : 0
        // What it replaced, or hinted at, is looked at again once it is gone: it may be due again.
        const neighbours = withNeighbours(db, [cert.id])
        if (cert.isCa) forgetChainsThrough(db, cert.subjectHash)
        deleteCertificateRow(db, cert.id)
        neighbours.delete(cert.id)
        refreshSuccession(db, neighbours)
        recordEvent(db, clock, {
          actor,
          action: 'certificate.deleted',
          subjectType: 'certificate',
          subjectId: cert.id,
          detail: {
            fingerprintSha256: cert.fingerprintSha256,
            subject: cert.subject,
            role: roleOf(cert),
            orderId: cert.orderId,
            keyId: cert.keyId,
          },
        })
        const notes =
          issued === 0
            ? []
            : [
                `${issued === 1 ? '1 stored certificate names it as issuer; its chain ends' : `${issued} stored certificates name it as issuer; their chains end`} without it (unless the system trust store has it) until it is imported again.`,
              ]
        return {
          deleted: { keys: [], csrs: [], certificates: [cert.id] },
          unlinked: { csrs: [], certificates: [], orders: [] },
          notes,
        }
      })
      .immediate()
  }

  /**
   * Deletes several certificates (a multi-selection), each in its own transaction with its own checks:
   * one refused (its order unfinished, or already gone) does not keep the others.
   */
  deleteCertificates(ids: readonly string[], actor: Actor): BulkDeletionReport {
    return eachOnItsOwn(ids, (id) => this.deleteCertificate(id, actor), (r) => r.deleted.certificates)
  }

  /**
   * Deletes several keys, each as deleteKey would on its own: a key an unfinished order or an
   * unexpired certificate needs is refused with its reason, the others go (with their unused CSRs).
   */
  deleteKeys(ids: readonly string[], actor: Actor): BulkDeletionReport {
    return eachOnItsOwn(ids, (id) => this.deleteKey(id, actor), (r) => r.deleted.keys)
  }

  /** Deletes several CSRs, each as deleteCsr would: one an order keeps is refused, the others go. */
  deleteCsrs(ids: readonly string[], actor: Actor): BulkDeletionReport {
    return eachOnItsOwn(ids, (id) => this.deleteCsr(id, actor), (r) => r.deleted.csrs)
  }

  /** The key is needed while an unfinished order uses it or a certificate with it has not expired. */
  private refuseWhileKeyNeeded(key: KeyRow, now: Date): void {
    const open = listOrdersUsingKey(this.deps.db, key.id).filter((o) => !isSettled(o, now))
    const [order] = open
    if (order) {
      throw new CoreError(
        'conflict',
        `Key ${key.id} is still needed by ${describeOrders(open)}. To delete the key, ${howToSettle(order)}.`,
      )
    }
    const valid = findCertificatesByKey(this.deps.db, key.id).filter((c) => !isExpired(c, now))
    const [cert] = valid
    if (cert) {
      const more =
        valid.length > 1
          ? ` and ${valid.length - 1} other unexpired certificate${valid.length === 2 ? '' : 's'}`
          : ''
      throw new CoreError(
        'conflict',
        `Key ${key.id} is still needed by certificate ${cert.id} (${cert.commonName ?? cert.subject}, valid until ${formatUtcMinute(new Date(cert.notAfter))})${more}. Delete the certificate first, or wait until it expires.`,
      )
    }
  }
}

function isExpired(c: CertificateRow, now: Date): boolean {
  return now > new Date(c.notAfter)
}

/** Runs one deletion per id; a CoreError refuses that id only, anything else stops the run. */
function eachOnItsOwn(ids: readonly string[], remove: (id: string) => DeletionReport, pick: (r: DeletionReport) => string[]): BulkDeletionReport {
  const out: BulkDeletionReport = { deleted: [], refused: [], notes: [] }
  for (const id of ids) {
    try {
      const r = remove(id)
      out.deleted.push(...pick(r))
      out.notes.push(...r.notes)
    } catch (e) {
      if (!(e instanceof CoreError)) throw e
      out.refused.push({ id, code: e.code, reason: e.message })
    }
  }
  return out
}
