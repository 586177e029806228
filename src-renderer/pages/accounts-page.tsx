import { EmptyState } from '../components/empty-state'
import { PageHeader } from '../components/page-header'

export function AccountsPage() {
  return (
    <>
      <PageHeader title="Accounts" />
      <EmptyState icon="accounts" title="CA accounts are not built yet">
        This is where Sectigo reseller accounts (production or test mode) and the Sandbox CA will be set up.
        Passwords will go to the OS keychain only; CertDesk will show whether one is stored, never the
        password itself.
      </EmptyState>
    </>
  )
}
