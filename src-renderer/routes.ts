/**
 * Hash routes: the app is one page, and a hash survives reloads and works the same under
 * `app://bundle/` and the web shell without any server-side routing.
 */
export type Section = 'dashboard' | 'activity' | 'certificates' | 'orders' | 'keys' | 'accounts' | 'settings'
export type KeysView = 'csrs' | 'keys' | 'new' | 'decode'

export type Route =
  | { section: Exclude<Section, 'keys' | 'orders' | 'accounts' | 'certificates'> }
  | { section: 'certificates'; view: 'list' | 'import' }
  | { section: 'certificates'; view: 'cert'; id: string }
  | { section: 'keys'; view: KeysView }
  | { section: 'keys'; view: 'csr'; id: string }
  | { section: 'keys'; view: 'key'; id: string }
  | { section: 'orders'; view: 'list' }
  /**
   * The order wizard: empty, with a stored CSR chosen (`csrId`, from the CSR's page), or resuming
   * the draft left to add an account (`resume`).
   */
  | { section: 'orders'; view: 'new'; csrId?: string; resume?: true }
  | { section: 'orders'; view: 'order'; id: string }
  | { section: 'accounts'; view: 'list' }
  /** `forOrder`: opened from the order wizard, which it goes back to once the account is added. */
  | { section: 'accounts'; view: 'new'; forOrder?: true }
  | { section: 'accounts'; view: 'edit'; id: string }

export const DEFAULT_ROUTE: Route = { section: 'dashboard' }
const SIMPLE: readonly Section[] = ['dashboard', 'activity', 'settings']
const KEYS_VIEWS: readonly KeysView[] = ['csrs', 'keys', 'new', 'decode']
const ID = /^csr_[0-9a-z]{16}$/
const KEY_ID = /^key_[0-9a-z]{16}$/
const ORDER_ID = /^ord_[0-9a-z]{16}$/
const ACCOUNT_ID = /^acc_[0-9a-z]{16}$/
const CERT_ID = /^crt_[0-9a-z]{16}$/
const RESUME = 'resume'
const FOR_ORDER = 'for-order'

/** Where a section's sidebar link goes. */
export function sectionHome(section: Section): Route {
  switch (section) {
    case 'keys':
      return { section, view: 'csrs' }
    case 'orders':
    case 'accounts':
    case 'certificates':
      return { section, view: 'list' }
    case 'dashboard':
    case 'activity':
    case 'settings':
      return { section }
  }
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean)
  const [head, second, third] = parts
  if (head === 'keys') {
    if (second === undefined) return { section: 'keys', view: 'csrs' }
    if (second === 'csr' && third !== undefined && ID.test(third))
      return { section: 'keys', view: 'csr', id: third }
    if (second === 'key' && third !== undefined && KEY_ID.test(third))
      return { section: 'keys', view: 'key', id: third }
    const view = KEYS_VIEWS.find((v) => v === second)
    if (view) return { section: 'keys', view }
    return { section: 'keys', view: 'csrs' }
  }
  if (head === 'orders') {
    if (second === 'new') {
      if (third === RESUME) return { section: 'orders', view: 'new', resume: true }
      if (third !== undefined && ID.test(third)) return { section: 'orders', view: 'new', csrId: third }
      return { section: 'orders', view: 'new' }
    }
    if (second !== undefined && ORDER_ID.test(second)) return { section: 'orders', view: 'order', id: second }
    return { section: 'orders', view: 'list' }
  }
  if (head === 'accounts') {
    if (second === 'new') return third === FOR_ORDER ? { section: 'accounts', view: 'new', forOrder: true } : { section: 'accounts', view: 'new' }
    if (second !== undefined && ACCOUNT_ID.test(second)) return { section: 'accounts', view: 'edit', id: second }
    return { section: 'accounts', view: 'list' }
  }
  if (head === 'certificates') {
    if (second === 'import') return { section: 'certificates', view: 'import' }
    if (second !== undefined && CERT_ID.test(second)) return { section: 'certificates', view: 'cert', id: second }
    return { section: 'certificates', view: 'list' }
  }
  const simple = SIMPLE.find((s) => s === head)
  return simple === 'dashboard' || simple === 'activity' || simple === 'settings'
    ? { section: simple }
    : DEFAULT_ROUTE
}

export function routeHref(route: Route): string {
  switch (route.section) {
    case 'keys':
      if (route.view === 'csr' || route.view === 'key') return `#/keys/${route.view}/${route.id}`
      return route.view === 'csrs' ? '#/keys' : `#/keys/${route.view}`
    case 'orders':
      if (route.view === 'order') return `#/orders/${route.id}`
      if (route.view === 'list') return '#/orders'
      if (route.resume) return `#/orders/new/${RESUME}`
      return route.csrId ? `#/orders/new/${route.csrId}` : '#/orders/new'
    case 'accounts':
      if (route.view === 'edit') return `#/accounts/${route.id}`
      if (route.view === 'list') return '#/accounts'
      return route.forOrder ? `#/accounts/new/${FOR_ORDER}` : '#/accounts/new'
    case 'certificates':
      if (route.view === 'cert') return `#/certificates/${route.id}`
      return route.view === 'list' ? '#/certificates' : '#/certificates/import'
    case 'dashboard':
    case 'activity':
    case 'settings':
      return `#/${route.section}`
  }
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route).slice(1)
}
