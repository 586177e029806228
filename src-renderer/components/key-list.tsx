import type { MethodInput, MethodOutput } from '../../src-main/core/api/contract'
import { call } from '../api'
import { formatDate, keyTypeLabel } from '../format'
import { routeHref } from '../routes'
import { BulkList, type ListSpec } from './bulk-list'
import { linkColumn } from './names-cell'
import type { Column } from './virtual-table'

type KeySummary = MethodOutput<'keys.list'>['items'][number]
type KeySort = NonNullable<MethodInput<'keys.list'>['sort']>

/** Whether a key or CSR was made in CertDesk or brought in. */
export function OriginTag({ source }: { source: KeySummary['source'] }) {
  return <span className={`tag tag-${source}`}>{source === 'generated' ? 'Made here' : 'Imported'}</span>
}

const keyHref = (k: KeySummary): string => routeHref({ section: 'keys', view: 'key', id: k.id })

const COLUMNS: Column<KeySummary>[] = [
  linkColumn('label', 'Label', 'label', keyHref, (k) => k.label),
  { id: 'type', header: 'Type', sortKey: 'algorithm', cell: (k) => <span className="nowrap">{keyTypeLabel(k.algorithm)}</span> },
  { id: 'spki', header: 'Public key SHA-256', cell: (k) => <span className="mono" title={k.spkiSha256}>{`${k.spkiSha256.slice(0, 16)}…`}</span> },
  { id: 'source', header: 'Source', cell: (k) => <OriginTag source={k.source} /> },
  { id: 'created', header: 'Created', sortKey: 'createdAt', cell: (k) => <span className="nowrap">{formatDate(k.createdAt)}</span> },
]

const KEYS: ListSpec<KeySummary> = {
  words: { one: 'key', many: 'keys', search: 'Filter by label, type or fingerprint' },
  columns: COLUMNS,
  href: keyHref,
  fetchPage: ({ sort, ...q }) => call('keys.list', { ...q, ...(sort ? { sort: sort as KeySort } : {}) }),
  deleteMany: (ids) => call('keys.deleteMany', { ids }),
  deleteNote:
    'Each key is erased from the vault with its unused CSRs; this cannot be undone. A key still needed by an unfinished order or an unexpired certificate is refused. Expired certificates and finished orders stay, without the key.',
}

/**
 * Every key, windowed and paged from core (keys.list), sorted by label, type or age, with a
 * multi-selection for bulk delete. There is deliberately no bulk export: a private key leaves
 * CertDesk one at a time with its own password (a ZIP of many keys is the most valuable file an
 * attacker could find in a Downloads folder), and public keys alone serve no server or CA: servers
 * take certificates, CAs take CSRs, and the SPKI pin is the fingerprint shown here.
 */
export function KeyList({ onChanged }: { onChanged: () => void }) {
  return <BulkList spec={KEYS} onChanged={onChanged} />
}
