import type { ReactNode } from 'react'
import { ErrorNotice } from './error-notice'
import { LoadingLine } from './loading-line'
import { PageHeader } from './page-header'

/** A detail page before its data has come: the header with its back link, then the error or a loading line. */
export function DetailPending({
  title,
  back,
  error,
  onRetry,
}: {
  title: string
  back: ReactNode
  error: unknown
  onRetry: () => void
}) {
  return (
    <>
      <PageHeader title={title} back={back} />
      {error ? <ErrorNotice error={error} onRetry={onRetry} /> : <LoadingLine />}
    </>
  )
}
