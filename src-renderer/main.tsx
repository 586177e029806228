import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { initApi } from './api'
import { App, NoToken } from './app'
import { ErrorBoundary } from './components/error-boundary'
import './styles/tokens.css'
import './styles/base.css'
import './styles/layout.css'
import './styles/components.css'
import './styles/keys-csrs.css'
import './styles/accounts.css'
import './styles/orders.css'
import './styles/certificates.css'
import './styles/endpoints.css'
import './styles/import.css'
import './styles/focus.css'

// Before the first render: the token must leave the address bar before the router reads the hash.
const { frontDoor, hasToken } = initApi()
const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>{frontDoor === 'web' && !hasToken ? <NoToken /> : <App />}</ErrorBoundary>
  </StrictMode>,
)
