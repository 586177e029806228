import { Component, type ErrorInfo, type ReactNode } from 'react'
import { call } from '../api'

/** The renderer's part of the diagnostics: the error and where in the UI it happened, cut to this. */
const MAX_RENDERER_ERROR_CHARS = 4000

interface State {
  error: Error | null
  where: string
  diagnostics: string | null
  copyState: 'idle' | 'copying' | 'copied' | 'failed'
}

/**
 * Replaces a blank window with what happened when rendering throws: the message, "Reload", and
 * "Copy diagnostics" (the core's redacted bundle: versions, trust store, the doctor report, recent log
 * lines; plus this error). The bundle is also shown, so the user sees exactly what is copied.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null, where: '', diagnostics: null, copyState: 'idle' }

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error }
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    this.setState({ where: (info.componentStack ?? '').trim().split('\n').slice(0, 8).join('\n') })
    console.error('CertDesk UI error', error)
  }

  private copy = async (): Promise<void> => {
    this.setState({ copyState: 'copying' })
    const { error, where } = this.state
    const rendererPart = `## Renderer error\n${`${error?.name ?? 'Error'}: ${error?.message ?? ''}\n${where}`.slice(0, MAX_RENDERER_ERROR_CHARS)}\n`
    let text: string
    try {
      const bundle = await call('app.diagnostics', {})
      text = `${bundle.text}\n${rendererPart}`
    } catch (e) {
      text = `CertDesk could not collect diagnostics (${e instanceof Error ? e.message : String(e)}).\n\n${rendererPart}`
    }
    this.setState({ diagnostics: text })
    try {
      await navigator.clipboard.writeText(text)
      this.setState({ copyState: 'copied' })
    } catch {
      this.setState({ copyState: 'failed' })
    }
  }

  override render(): ReactNode {
    const { error, diagnostics, copyState } = this.state
    if (!error) return this.props.children
    return (
      <main className="main main-centered" role="alert" data-testid="error-boundary">
        <div className="card crash-card">
          <div className="card-body">
            <h1 className="page-title">CertDesk hit an error in this window</h1>
            <p>
              Nothing you saved is lost: keys, certificates and orders are in the database, and orders keep being
              tracked. Reload the window to continue; if it happens again, copy the diagnostics into a bug report.
            </p>
            <p className="mono break-all">{`${error.name}: ${error.message}`}</p>
            <p className="button-row">
              <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
                Reload
              </button>
              <button type="button" className="button" disabled={copyState === 'copying'} onClick={() => void this.copy()}>
                {copyState === 'copied' ? 'Copied' : 'Copy diagnostics'}
              </button>
            </p>
            {copyState === 'failed' ? <p className="muted small">The clipboard refused; select the text below and copy it.</p> : null}
            {diagnostics ? (
              <pre className="diagnostics" data-testid="diagnostics" tabIndex={0}>
                {diagnostics}
              </pre>
            ) : (
              <p className="muted small">The diagnostics hold no passwords, keys or tokens: versions, the trust store, the doctor report and recent log lines.</p>
            )}
          </div>
        </div>
      </main>
    )
  }
}
