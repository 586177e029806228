import type { Handlers } from '../dispatch'
import { certHandlers } from './cert-handlers'
import { keyHandlers } from './key-handlers'
import { vaultHandlers } from './vault-handlers'

/** Every handler, one file per domain. The type makes a missing handler a compile error. */
export const handlers: Handlers = {
  ...vaultHandlers,
  ...keyHandlers,
  ...certHandlers,
}
