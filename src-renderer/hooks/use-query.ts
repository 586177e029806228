import { useCallback, useEffect, useState } from 'react'
import type { MethodInput, MethodName, MethodOutput } from '../../src-main/core/api/contract'
import type { MAX_PAGE_SIZE } from '../../src-main/core/util/page'
import { call, toApiError, type ApiError } from '../api'

export interface Query<T> {
  data: T | undefined
  error: ApiError | undefined
  loading: boolean
  reload: () => void
}

interface Settled<T> {
  request: string
  generation: number
  data?: T
  error?: ApiError
}

/**
 * Loads one contract method's result and reloads it when the input changes or on `reload()`.
 * Answers to an older input are dropped, so a slow call never overwrites a newer one; on reload the
 * previous data stays on screen until the new answer arrives, so tables do not flash empty.
 */
export function useQuery<M extends MethodName>(method: M, input: MethodInput<M>): Query<MethodOutput<M>> {
  const request = `${method}:${JSON.stringify(input)}`
  const [generation, setGeneration] = useState(0)
  const [settled, setSettled] = useState<Settled<MethodOutput<M>> | null>(null)
  useEffect(() => {
    let live = true
    const name = request.slice(0, request.indexOf(':')) as M
    const args = JSON.parse(request.slice(request.indexOf(':') + 1)) as MethodInput<M>
    call(name, args).then(
      (data) => live && setSettled({ request, generation, data }),
      (e: unknown) => live && setSettled({ request, generation, error: toApiError(e) }),
    )
    return () => {
      live = false
    }
  }, [request, generation])
  const reload = useCallback(() => setGeneration((g) => g + 1), [])
  const same = settled?.request === request
  return {
    data: same ? settled.data : undefined,
    error: same && settled.generation === generation ? settled.error : undefined,
    loading: !same || settled.generation !== generation,
    reload,
  }
}

/** Contract methods that answer one page of a list, and the items of their pages. */
type PagedMethod = { [M in MethodName]: MethodOutput<M> extends { items: readonly unknown[] } ? M : never }[MethodName]
type ItemsOf<M extends MethodName> = MethodOutput<M> extends { items: infer T } ? T : never

/** core/util/page.ts MAX_PAGE_SIZE: the most items one call answers (the compiler keeps the two equal). */
const LIST_LIMIT: typeof MAX_PAGE_SIZE = 1000

/**
 * The first page of a list method as an array, for pickers and short lists (the newest LIST_LIMIT
 * items). Long lists page and filter in core instead (certs.list's query, sort and offset).
 */
export function useListItems<M extends PagedMethod>(method: M, input: MethodInput<M>): Query<ItemsOf<M>> {
  const q = useQuery(method, { limit: LIST_LIMIT, ...input })
  return { ...q, data: (q.data as { items: ItemsOf<M> } | undefined)?.items }
}
