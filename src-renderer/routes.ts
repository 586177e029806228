/**
 * Hash routes: the app is one page, and a hash survives reloads and works the same under
 * `app://bundle/` and the web shell without any server-side routing.
 */
export type Section = 'dashboard' | 'certificates' | 'orders' | 'keys' | 'accounts' | 'settings'
export type KeysView = 'csrs' | 'keys' | 'new' | 'decode'

export type Route =
  | { section: Exclude<Section, 'keys'> }
  | { section: 'keys'; view: KeysView }
  | { section: 'keys'; view: 'csr'; id: string }

export const DEFAULT_ROUTE: Route = { section: 'dashboard' }
const SIMPLE: readonly Section[] = ['dashboard', 'certificates', 'orders', 'accounts', 'settings']
const KEYS_VIEWS: readonly KeysView[] = ['csrs', 'keys', 'new', 'decode']
const ID = /^csr_[0-9a-z]{16}$/

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean)
  const [head, second, third] = parts
  if (head === 'keys') {
    if (second === undefined) return { section: 'keys', view: 'csrs' }
    if (second === 'csr' && third !== undefined && ID.test(third))
      return { section: 'keys', view: 'csr', id: third }
    const view = KEYS_VIEWS.find((v) => v === second)
    if (view) return { section: 'keys', view }
    return { section: 'keys', view: 'csrs' }
  }
  const simple = SIMPLE.find((s) => s === head)
  return simple && simple !== 'keys' ? { section: simple } : DEFAULT_ROUTE
}

export function routeHref(route: Route): string {
  if (route.section !== 'keys') return `#/${route.section}`
  if (route.view === 'csr') return `#/keys/csr/${route.id}`
  return route.view === 'csrs' ? '#/keys' : `#/keys/${route.view}`
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route).slice(1)
}
