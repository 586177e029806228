import { useCallback, useState } from 'react'
import type { UiErrorCode } from './api'
import { Sidebar } from './components/sidebar'
import { VaultBanner } from './components/vault-banner'
import { EmptyState } from './components/empty-state'
import { Notice } from './components/notice'
import { useFlash, type GoWithFlash } from './hooks/use-flash'
import { useQuery } from './hooks/use-query'
import { useBrowserNotifications } from './hooks/use-browser-notifications'
import { useRoute } from './hooks/use-route'
import { AccountsPage } from './pages/accounts-page'
import { ActivityPage } from './pages/activity-page'
import { CertificatesPage } from './pages/certificates-page'
import { DashboardPage } from './pages/dashboard-page'
import { KeysCsrsPage } from './pages/keys-csrs-page'
import { OrdersPage } from './pages/orders-page'
import { SettingsPage } from './pages/settings-page'
import { routeHref, type Route } from './routes'

function Page({
  route,
  onVaultProblem,
  goWithFlash,
}: {
  route: Route
  onVaultProblem: (code: UiErrorCode) => void
  goWithFlash: GoWithFlash
}) {
  switch (route.section) {
    case 'dashboard':
      return <DashboardPage />
    case 'activity':
      return <ActivityPage />
    case 'certificates':
      return <CertificatesPage route={route} onVaultProblem={onVaultProblem} goWithFlash={goWithFlash} />
    case 'orders':
      return <OrdersPage route={route} onVaultProblem={onVaultProblem} />
    case 'keys':
      return <KeysCsrsPage route={route} onVaultProblem={onVaultProblem} goWithFlash={goWithFlash} />
    case 'accounts':
      return <AccountsPage route={route} />
    case 'settings':
      return <SettingsPage onVaultProblem={onVaultProblem} />
  }
}

/** The app frame: navigation, the vault banner, and the current section. */
export function App() {
  const route = useRoute()
  const info = useQuery('app.info', {})
  const vault = useQuery('vault.status', {})
  const [keychainFailed, setKeychainFailed] = useState(false)
  useBrowserNotifications()
  const reloadVault = vault.reload
  const onVaultProblem = useCallback(
    (code: UiErrorCode) => {
      if (code === 'keychain_unavailable') setKeychainFailed(true)
      reloadVault()
    },
    [reloadVault],
  )
  // Each view gets its own page instance, so a form or detail never keeps another one's state.
  const pageKey = routeHref(route)
  const { flash, goWithFlash } = useFlash(pageKey)
  return (
    <div className="app">
      <Sidebar route={route} info={info.data} />
      <main className="main" id="main">
        <div className="main-inner">
          <VaultBanner status={vault.data} keychainFailed={keychainFailed} onChange={vault.reload} />
          {flash ? (
            <Notice tone="ok" role="status" title={flash.title} lines={flash.lines} testId="page-flash" />
          ) : null}
          <Page key={pageKey} route={route} onVaultProblem={onVaultProblem} goWithFlash={goWithFlash} />
        </div>
      </main>
    </div>
  )
}

/** Shown in a browser tab that was opened without the web shell's token. */
export function NoToken() {
  return (
    <main className="main main-centered">
      <EmptyState icon="lock" title="Open CertDesk from the address it printed">
        This tab has no access token. When CertDesk starts its web shell it prints an address like{' '}
        <span className="mono">http://127.0.0.1:4780/#token=…</span>; open that address. The token keeps other
        programs and web pages from using CertDesk.
      </EmptyState>
    </main>
  )
}
