import type { Handlers } from '../dispatch'
import { accountHandlers } from './account-handlers'
import { appHandlers } from './app-handlers'
import { backupHandlers } from './backup-handlers'
import { certHandlers } from './cert-handlers'
import { diagnosticsHandlers } from './diagnostics-handlers'
import { endpointHandlers } from './endpoint-handlers'
import { keyHandlers } from './key-handlers'
import { orderHandlers } from './order-handlers'
import { vaultHandlers } from './vault-handlers'

/** Every handler, one file per domain. The type makes a missing handler a compile error. */
export const handlers: Handlers = {
  ...vaultHandlers,
  ...diagnosticsHandlers,
  ...backupHandlers,
  ...keyHandlers,
  ...certHandlers,
  ...accountHandlers,
  ...orderHandlers,
  ...appHandlers,
  ...endpointHandlers,
}
