import type { StepId, WizardState } from './order-wizard'

export interface ParkedOrder {
  state: WizardState
  step: StepId
}

/**
 * The order wizard's draft while the user adds an account from it: held in this window's memory only
 * (nothing of it is written anywhere), read back when the account form returns to the wizard. One
 * draft at a time, replaced by the next one parked.
 */
let parked: ParkedOrder | null = null

export function parkOrderDraft(draft: ParkedOrder): void {
  parked = draft
}

/** The account just added becomes the parked draft's account (DCV choices depend on it, so they reset). */
export function chooseAccountForParkedOrder(accountId: string): void {
  if (parked) parked = { ...parked, state: { ...parked.state, accountId, choices: {} } }
}

export function parkedOrderDraft(): ParkedOrder | null {
  return parked
}
