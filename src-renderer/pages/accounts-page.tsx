import { AccountCard } from '../components/account-card'
import { AccountForm } from '../components/account-form'
import { AccountKeychainBanner } from '../components/account-keychain-banner'
import { chooseAccountForParkedOrder } from '../components/order-draft'
import { BackLink } from '../components/back-link'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { LinkButton } from '../components/link-button'
import { LoadingLine } from '../components/loading-line'
import { PageHeader } from '../components/page-header'
import { useQuery } from '../hooks/use-query'
import { navigate, type Route } from '../routes'

type AccountsRoute = Extract<Route, { section: 'accounts' }>
const RESUME_ORDER: Route = { section: 'orders', view: 'new', resume: true }

const NO_KEYCHAIN =
  'No OS keychain answers. Start or unlock it (on Linux a Secret Service such as GNOME Keyring or KWallet), then check again.'

function BackToList() {
  return <BackLink to={{ section: 'accounts', view: 'list' }}>Accounts</BackLink>
}

function AddAccountLink() {
  return (
    <LinkButton to={{ section: 'accounts', view: 'new' }} icon="plus">
      Add account
    </LinkButton>
  )
}

function AccountList() {
  const accounts = useQuery('accounts.list', {})
  // vault.status probes the keychain, so the banner shows before the first account fails to save.
  const vault = useQuery('vault.status', {})
  const list = accounts.data
  const keychainDown =
    accounts.error?.code === 'keychain_unavailable'
      ? accounts.error.message
      : (list?.find((a) => a.passwordState === 'keychain_unavailable')?.passwordProblem ??
        (vault.data?.state === 'keychain_unavailable' && vault.data.mode !== 'passphrase' ? NO_KEYCHAIN : null))
  const recheck = () => {
    accounts.reload()
    vault.reload()
  }
  return (
    <>
      <PageHeader
        title="Accounts"
        description="The Sectigo reseller accounts CertDesk orders through, and the built-in Sandbox CA. Passwords live in the OS keychain only."
        actions={<AddAccountLink />}
      />
      {keychainDown ? <AccountKeychainBanner message={keychainDown} onRetry={recheck} /> : null}
      {accounts.error && accounts.error.code !== 'keychain_unavailable' ? (
        <ErrorNotice error={accounts.error} onRetry={accounts.reload} />
      ) : null}
      {!list && !accounts.error ? <LoadingLine /> : null}
      {list && list.length === 0 ? (
        <EmptyState
          icon="accounts"
          title="No accounts yet"
          actions={<AddAccountLink />}
        >
          Add your Sectigo reseller account to order certificates, or start with a Sandbox account: a CA that
          CertDesk runs on this computer, so you can try ordering, validation and collection for free.
        </EmptyState>
      ) : null}
      {list && list.length > 0 ? (
        <div className="account-list">
          {list.map((a) => (
            <AccountCard key={a.id} account={a} onChanged={accounts.reload} />
          ))}
        </div>
      ) : null}
    </>
  )
}

function EditAccount({ id }: { id: string }) {
  const account = useQuery('accounts.get', { id })
  return (
    <>
      <PageHeader
        title={account.data ? `Edit ${account.data.label}` : 'Edit account'}
        back={<BackToList />}
        description="Change the label, login name or password. A new password replaces the one in the OS keychain."
      />
      {account.error ? <ErrorNotice error={account.error} onRetry={account.reload} /> : null}
      {account.data ? (
        <AccountForm account={account.data} onSaved={() => navigate({ section: 'accounts', view: 'list' })} />
      ) : !account.error ? (
        <LoadingLine />
      ) : null}
    </>
  )
}

export function AccountsPage({ route }: { route: AccountsRoute }) {
  switch (route.view) {
    case 'list':
      return <AccountList />
    case 'new':
      // From the order wizard: back there, with the new account chosen and the rest as it was left.
      return route.forOrder ? (
        <>
          <PageHeader
            title="Add account"
            back={<BackLink to={RESUME_ORDER}>Back to the new order</BackLink>}
            description="Choose where the order goes. Once it is added, CertDesk takes you back to the order as you left it."
          />
          <AccountForm
            account={null}
            onSaved={(saved) => {
              chooseAccountForParkedOrder(saved.id)
              navigate(RESUME_ORDER)
            }}
          />
        </>
      ) : (
        <>
          <PageHeader
            title="Add account"
            back={<BackToList />}
            description="Choose where orders go. You can add several accounts and pick one per order."
          />
          <AccountForm account={null} onSaved={() => navigate({ section: 'accounts', view: 'list' })} />
        </>
      )
    case 'edit':
      return <EditAccount id={route.id} />
  }
}
