/** The first `shown` names of a certificate, CSR or order in a table cell, then "+N more". */
export function NamesCell({ names, shown }: { names: readonly string[]; shown: number }) {
  const more = names.length - shown
  return (
    <span className="mono">
      {names.slice(0, shown).join(', ')}
      {more > 0 ? <span className="muted nowrap"> +{more} more</span> : null}
    </span>
  )
}

/** A table's first column: the row's name as the link to its page (a row header). */
export function linkColumn<T>(id: string, header: string, sortKey: string, href: (row: T) => string, text: (row: T) => string) {
  return {
    id,
    header,
    sortKey,
    rowHeader: true,
    cell: (row: T) => (
      <a className="row-link" href={href(row)}>
        {text(row)}
      </a>
    ),
  }
}
