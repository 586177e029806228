/** GetDCVEmailAddressList's text lines: `<key><TAB><value>`, keys repeat, values may carry a leading space. */
export interface TabLine {
  key: string
  value: string
}

/** Null when a line has no tab or an empty key. */
export function parseTabLines(lines: readonly string[]): TabLine[] | null {
  const out: TabLine[] = []
  for (const line of lines) {
    if (line.trim() === '') continue
    const tab = line.indexOf('\t')
    if (tab <= 0) return null
    const key = line.slice(0, tab).trim()
    if (key === '') return null
    out.push({ key, value: line.slice(tab + 1).trim() })
  }
  return out
}
