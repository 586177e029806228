import { EmptyState } from '../components/empty-state'
import { PageHeader } from '../components/page-header'

export function OrdersPage() {
  return (
    <>
      <PageHeader title="Orders" />
      <EmptyState icon="orders" title="Ordering is not built yet">
        This is where certificate orders placed with Sectigo, or with the built-in Sandbox CA for trying
        things out, will be tracked: from submission through domain control validation to the issued
        certificate, including reissues and revocations.
      </EmptyState>
    </>
  )
}
