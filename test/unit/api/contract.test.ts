import { describe, expect, it } from 'vitest'
import { contract } from '../../../src-main/core/api/contract'
import { METHOD_NAMES } from '../../../src-main/core/api/method-names'
import { handlers } from '../../../src-main/core/api/handlers'
import { ERROR_CODES } from '../../../src-main/core/errors'

describe('the contract', () => {
  it('lists exactly these methods (review every change to the surface)', () => {
    expect(Object.keys(contract).sort()).toMatchInlineSnapshot(`
      [
        "accounts.add",
        "accounts.get",
        "accounts.list",
        "accounts.remove",
        "accounts.test",
        "accounts.update",
        "app.info",
        "backup.create",
        "backup.verify",
        "certs.asn1",
        "certs.clearDecisions",
        "certs.confirmHint",
        "certs.delete",
        "certs.deleteMany",
        "certs.details",
        "certs.dismissHint",
        "certs.download",
        "certs.downloadInventory",
        "certs.downloadMany",
        "certs.expiring",
        "certs.exportInventory",
        "certs.exportMany",
        "certs.exportPreset",
        "certs.exportToFile",
        "certs.facets",
        "certs.get",
        "certs.importBytes",
        "certs.importFile",
        "certs.importText",
        "certs.linkSuccessor",
        "certs.list",
        "certs.presets",
        "certs.refuseSuccessor",
        "certs.setNote",
        "certs.setTags",
        "certs.summary",
        "csrs.checkDraft",
        "csrs.decode",
        "csrs.delete",
        "csrs.generate",
        "csrs.get",
        "csrs.import",
        "csrs.lint",
        "csrs.list",
        "dcv.check",
        "dcv.file",
        "dcv.resend",
        "dcv.setMethod",
        "dcv.show",
        "imports.addFile",
        "imports.addPaths",
        "imports.begin",
        "imports.cancel",
        "imports.finish",
        "imports.process",
        "imports.status",
        "keys.delete",
        "keys.get",
        "keys.list",
        "orders.approverEmails",
        "orders.cancel",
        "orders.collect",
        "orders.evClickThrough",
        "orders.get",
        "orders.list",
        "orders.ovCallback",
        "orders.place",
        "orders.preflight",
        "orders.products",
        "orders.reissue",
        "orders.removeDomain",
        "orders.renew",
        "orders.revoke",
        "orders.submit",
        "orders.sync",
        "push.start",
        "push.status",
        "push.stop",
        "sandbox.simulate",
        "vault.setupPassphrase",
        "vault.status",
        "vault.unlock",
      ]
    `)
  })

  it('agrees with the plain list the preload uses, and every method has a handler', () => {
    expect([...METHOD_NAMES].sort()).toEqual(Object.keys(contract).sort())
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(contract).sort())
  })

  it('has a closed set of error codes', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length)
    expect(ERROR_CODES).toContain('internal')
  })
})
