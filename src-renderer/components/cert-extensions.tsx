import { useState } from 'react'
import { call, toApiError } from '../api'
import type { MethodOutput } from '../../src-main/core/api/contract'
import { useQuery } from '../hooks/use-query'
import { Card } from './card'
import { CopyButton } from './copy-button'
import { DetailRow } from './detail-list'

type Details = MethodOutput<'certs.details'>
type Asn1Node = MethodOutput<'certs.asn1'>['root']

/** Upper-case colon pairs, the way Windows and openssl -fingerprint show thumbprints. */
function upperPairs(hex: string): string {
  const plain = hex.replace(/[^0-9a-f]/gi, '')
  return (plain.match(/.{1,2}/g) ?? []).join(':').toUpperCase()
}

function ListOrNone({ items, label }: { items: readonly string[]; label: string }) {
  if (items.length === 0) return <span className="muted">None</span>
  return (
    <ul className="plain-list" aria-label={label}>
      {items.map((x) => (
        <li key={x} className="break-all">
          {x}
        </li>
      ))}
    </ul>
  )
}

function CopyValue({ value, label }: { value: string; label: string }) {
  return (
    <span className="value-with-action">
      <span className="break-all">{value}</span>
      <CopyButton text={value} label={label} compact />
    </span>
  )
}

/**
 * Thumbprints, serial, signature algorithm, key usages, AIA, CRL points, policies and SCTs from certs.details,
 * with the public key's SHA-256 (the pin that stays the same across renewals on one key).
 */
export function CertExtensions({ id, spkiSha256 }: { id: string; spkiSha256: string }) {
  const q = useQuery('certs.details', { id })
  const d: Details | undefined = q.data
  if (!d) {
    return (
      <Card title="Thumbprints and extensions" className="cert-grid-wide">
        {q.error ? <p role="alert">{q.error.message}</p> : <p className="muted">Loading…</p>}
      </Card>
    )
  }
  return (
    <>
      <Card title="Thumbprints and serial" className="cert-grid-wide">
        <dl className="dl" aria-label="Thumbprints and serial">
          <DetailRow label="SHA-1 thumbprint" mono>
            <CopyValue value={upperPairs(d.thumbprints.sha1)} label="Copy SHA-1 thumbprint" />
          </DetailRow>
          <DetailRow label="SHA-256 thumbprint" mono>
            <CopyValue value={upperPairs(d.thumbprints.sha256)} label="Copy SHA-256 thumbprint" />
          </DetailRow>
          <DetailRow label="Public key SHA-256" mono>
            <CopyValue value={spkiSha256} label="Copy public key SHA-256" />
          </DetailRow>
          <DetailRow label="Serial (hex)" mono>
            <CopyValue value={upperPairs(d.serialColons)} label="Copy serial" />
          </DetailRow>
          <DetailRow label="Serial (decimal)" mono>
            <span className="break-all">{d.serialDecimal}</span>
          </DetailRow>
          <DetailRow label="Signature algorithm">{d.signatureAlgorithm.name}</DetailRow>
          <DetailRow label="Version">{d.version}</DetailRow>
        </dl>
      </Card>
      <Card title="Usage and extensions" className="cert-grid-wide">
        <dl className="dl" aria-label="Usage and extensions">
          <DetailRow label="Key usage">
            {d.keyUsage ? (
              <>
                <ListOrNone items={d.keyUsage.usages} label="Key usage" />
                {d.keyUsage.critical ? <span className="tag">critical</span> : null}
              </>
            ) : (
              <span className="muted">Not set</span>
            )}
          </DetailRow>
          <DetailRow label="Extended key usage">
            {d.extendedKeyUsage ? (
              <ListOrNone items={d.extendedKeyUsage.usages.map((u) => u.name)} label="Extended key usage" />
            ) : (
              <span className="muted">Not set</span>
            )}
          </DetailRow>
          <DetailRow label="OCSP responder" mono>
            <ListOrNone items={d.aia.ocsp} label="OCSP responder" />
          </DetailRow>
          <DetailRow label="CA issuers" mono>
            <ListOrNone items={d.aia.caIssuers} label="CA issuers" />
          </DetailRow>
          <DetailRow label="CRL distribution points" mono>
            <ListOrNone items={d.crlDistributionPoints} label="CRL distribution points" />
          </DetailRow>
          <DetailRow label="Policies" mono>
            <ListOrNone
              items={d.policies.map((p) => (p.name ? `${p.oid} (${p.name})` : p.oid))}
              label="Policies"
            />
          </DetailRow>
          <DetailRow label="Embedded SCTs">{d.sctCount ?? 'None'}</DetailRow>
          {d.problems.length ? (
            <DetailRow label="Unreadable">
              <ListOrNone items={d.problems} label="Unreadable extensions" />
            </DetailRow>
          ) : null}
        </dl>
      </Card>
    </>
  )
}

function Asn1Tree({ node }: { node: Asn1Node }) {
  const kids = [...(node.children ?? []), ...(node.encapsulated ? [node.encapsulated] : [])]
  return (
    <li>
      <span className="mono">
        {node.offset}: {node.tag}
        {node.value !== undefined ? ` ${node.value}` : ''}
      </span>
      {kids.length ? (
        <ul>
          {kids.map((k) => (
            <Asn1Tree key={`${k.offset}-${k.tag}`} node={k} />
          ))}
        </ul>
      ) : null}
    </li>
  )
}

function Asn1Loaded({ id }: { id: string }) {
  const q = useQuery('certs.asn1', { id })
  if (q.error) return <p role="alert">{q.error.message}</p>
  if (!q.data) return <p className="muted">Loading…</p>
  return (
    <>
      {q.data.truncated ? <p className="muted">Shortened: {q.data.nodes} elements read.</p> : null}
      <ul className="asn1-tree" aria-label="ASN.1 structure">
        <Asn1Tree node={q.data.root} />
      </ul>
    </>
  )
}

/** The raw ASN.1 tree, fetched only when the user opens it. */
export function CertAsn1({ id }: { id: string }) {
  const [open, setOpen] = useState(false)
  return (
    <Card title="Raw ASN.1" className="cert-grid-wide">
      <button type="button" className="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? 'Hide ASN.1' : 'Show ASN.1'}
      </button>
      {open ? <Asn1Loaded id={id} /> : null}
    </Card>
  )
}

/** The note and tags of one certificate; both are searched by the certificates list (core FTS). */
export function CertAnnotations({
  id,
  note,
  tags,
  onSaved,
}: {
  id: string
  note: string
  tags: readonly string[]
  onSaved: () => void
}) {
  const [draft, setDraft] = useState(note)
  const [tag, setTag] = useState('')
  const [status, setStatus] = useState('')
  const [busy, setBusy] = useState(false)
  async function run(what: () => Promise<unknown>, done: string): Promise<void> {
    setBusy(true)
    try {
      await what()
      setStatus(done)
      onSaved()
    } catch (e) {
      setStatus(toApiError(e).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Card title="Note and tags" className="cert-grid-wide">
      <label className="field">
        <span>Note</span>
        <textarea value={draft} onChange={(e) => setDraft(e.target.value)} rows={3} />
      </label>
      <button
        type="button"
        className="button"
        disabled={busy || draft === note}
        onClick={() => void run(() => call('certs.setNote', { id, note: draft }), 'Note saved.')}
      >
        Save note
      </button>
      <ul className="tag-list" aria-label="Tags">
        {tags.map((t) => (
          <li key={t}>
            <span className="tag">{t}</span>
            <button
              type="button"
              className="button button-compact"
              aria-label={`Remove tag ${t}`}
              disabled={busy}
              onClick={() =>
                void run(
                  () => call('certs.setTags', { id, tags: tags.filter((x) => x !== t) }),
                  `Tag ${t} removed.`,
                )
              }
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          const t = tag.trim()
          if (!t || tags.includes(t)) return
          void run(() => call('certs.setTags', { id, tags: [...tags, t] }), `Tag ${t} added.`).then(() =>
            setTag(''),
          )
        }}
      >
        <label className="field">
          <span>New tag</span>
          <input value={tag} onChange={(e) => setTag(e.target.value)} />
        </label>
        <button type="submit" className="button" disabled={busy}>
          Add tag
        </button>
      </form>
      <p role="status">{status}</p>
    </Card>
  )
}
