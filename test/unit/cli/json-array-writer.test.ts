import { describe, expect, it } from 'vitest'
import { JsonArrayWriter, type JsonLayout } from '../../../src-main/cli/io'

const rows = [
  { id: 'crt_0000000000000001', names: ['a.example', 'b.example'], hint: null, nested: { text: 'line\nbreak "quoted"' } },
  { id: 'crt_0000000000000002', names: [], hint: { id: 'crt_0000000000000001' }, nested: { text: '' } },
  { id: 'crt_0000000000000003', names: ['ü.example'], hint: null, nested: { text: 'x' } },
]

function written(fill: (w: JsonArrayWriter) => void, indent?: string, layout?: JsonLayout): string {
  let out = ''
  const w = new JsonArrayWriter((s) => (out += s), indent, layout)
  fill(w)
  w.end()
  return out
}

describe('JsonArrayWriter', () => {
  it('writes pages exactly as JSON.stringify writes the whole list', () => {
    expect(written((w) => [rows.slice(0, 2), [], rows.slice(2)].forEach((page) => w.items(page)))).toBe(JSON.stringify(rows, null, 2))
    expect(written((w) => rows.forEach((r) => w.item(r)))).toBe(JSON.stringify(rows, null, 2))
    expect(written((w) => w.items([]))).toBe('[]')
  })

  it('writes pages and single items the same way inside an indented object', () => {
    const byPage = written((w) => [rows.slice(0, 1), rows.slice(1)].forEach((page) => w.items(page)), '  ')
    expect(byPage).toBe(written((w) => rows.forEach((r) => w.item(r)), '  '))
    expect(JSON.parse(`{"due": ${byPage}}`)).toEqual({ due: rows })
    expect(`{\n  "due": ${byPage}\n}`).toBe(JSON.stringify({ due: rows }, null, 2))
  })

  it('writes one compact item per line for a pipe, the same JSON value', () => {
    const text = written((w) => [rows.slice(0, 2), [], rows.slice(2)].forEach((page) => w.items(page)), '', 'lines')
    expect(JSON.parse(text)).toEqual(rows)
    const lines = text.split('\n')
    expect(lines).toHaveLength(rows.length + 2)
    expect(lines.slice(1, -1).map((l) => JSON.parse(l.trim().replace(/,$/, '')) as unknown)).toEqual(rows)
    expect(written((w) => rows.forEach((r) => w.item(r)), '', 'lines')).toBe(text)
    expect(written((w) => w.items([]), '', 'lines')).toBe('[]')
  })

  it('writes compact lines inside an indented object', () => {
    const due = written((w) => w.items(rows), '  ', 'lines')
    expect(JSON.parse(`{\n  "due": ${due}\n}`)).toEqual({ due: rows })
    expect(due.split('\n').at(-1)).toBe('  ]')
  })
})
