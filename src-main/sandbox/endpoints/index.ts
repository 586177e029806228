import { autoApplyOrder, autoApplySsl } from './auto-apply-ssl'
import { autoRemoveMdcDomain } from './auto-remove-mdc-domain'
import { autoReplaceSsl } from './auto-replace-ssl'
import { autoRevokeSsl } from './auto-revoke-ssl'
import { autoUpdateDcv } from './auto-update-dcv'
import { collectSsl } from './collect-ssl'
import { decodeCsr } from './decode-csr'
import { type Endpoint } from './endpoint'
import { getDcvEmailAddressList } from './get-dcv-email-address-list'
import { getMdcDomainDetails } from './get-mdc-domain-details'
import { resendDcvEmail } from './resend-dcv-email'
import { updateUserEvClickThrough } from './update-user-ev-click-through'
import { updateUserOvCallback } from './update-user-ov-callback'
import { webHostReport } from './web-host-report'

/** Every Sectigo endpoint the sandbox serves. */
export const ENDPOINTS: readonly Endpoint[] = [
  autoApplySsl,
  autoApplyOrder,
  collectSsl,
  decodeCsr,
  webHostReport,
  getDcvEmailAddressList,
  autoUpdateDcv,
  autoReplaceSsl,
  autoRevokeSsl,
  autoRemoveMdcDomain,
  updateUserOvCallback,
  updateUserEvClickThrough,
  resendDcvEmail,
  getMdcDomainDetails,
]

/** Path after /products/ (with `%21` decoded) to endpoint. */
export function endpointByPath(): ReadonlyMap<string, Endpoint> {
  const m = new Map<string, Endpoint>()
  for (const e of ENDPOINTS) for (const p of e.paths) m.set(p, e)
  return m
}
