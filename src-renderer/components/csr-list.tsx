import type { MethodInput, MethodOutput } from '../../src-main/core/api/contract'
import { call } from '../api'
import { formatDate } from '../format'
import { routeHref } from '../routes'
import { BulkList, type ListQuery, type ListSpec } from './bulk-list'
import { downloadBase64 } from './download'
import { OriginTag } from './key-list'
import { linkColumn, NamesCell } from './names-cell'
import type { Column } from './virtual-table'

type CsrSummary = MethodOutput<'csrs.list'>['items'][number]
type CsrSort = NonNullable<MethodInput<'csrs.list'>['sort']>

/** SANs shown in a table cell before "+N more". */
const SANS_IN_CELL = 2

const csrHref = (c: CsrSummary): string => routeHref({ section: 'keys', view: 'csr', id: c.id })

const COLUMNS: Column<CsrSummary>[] = [
  linkColumn('label', 'Name', 'label', csrHref, (c) => c.label),
  { id: 'cn', header: 'Common name', sortKey: 'commonName', cell: (c) => <span className="mono">{c.commonName ?? <span className="muted">none</span>}</span> },
  { id: 'sans', header: 'SANs', cell: (c) => <NamesCell names={c.sans.map((s) => s.value)} shown={SANS_IN_CELL} /> },
  { id: 'source', header: 'Source', cell: (c) => <OriginTag source={c.source} /> },
  { id: 'md5', header: 'MD5', cell: (c) => <span className="mono muted" title={c.md5}>{`${c.md5.slice(0, 8)}…`}</span> },
  { id: 'created', header: 'Created', sortKey: 'createdAt', cell: (c) => <span className="nowrap">{formatDate(c.createdAt)}</span> },
]

/** Downloads the selected CSRs as one ZIP of PEM files (public data: subject, names, public key). */
async function downloadCsrs(ids: string[]): Promise<string> {
  const out = await call('csrs.downloadMany', { ids })
  downloadBase64(out.fileName, out.base64, out.mediaType)
  return `Exported ${out.exported.length} CSR${out.exported.length === 1 ? '' : 's'}${out.failed.length ? `, ${out.failed.length} no longer stored` : ''}.`
}

const CSRS: ListSpec<CsrSummary> = {
  words: { one: 'CSR', many: 'CSRs', search: 'Filter by name, subject, SAN or fingerprint' },
  columns: COLUMNS,
  href: csrHref,
  fetchPage: ({ sort, ...q }: ListQuery) => call('csrs.list', { ...q, ...(sort ? { sort: sort as CsrSort } : {}) }),
  exportSelected: { label: 'Export selected (ZIP of PEM)', run: downloadCsrs },
  deleteMany: (ids) => call('csrs.deleteMany', { ids }),
  deleteNote: 'Their keys stay. A CSR an order keeps as its record is refused.',
}

/** Every CSR, windowed and paged from core (csrs.list), sorted by name, common name or age, with bulk export and delete. */
export function CsrList({ onChanged }: { onChanged: () => void }) {
  return <BulkList spec={CSRS} onChanged={onChanged} />
}
