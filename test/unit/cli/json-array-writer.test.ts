import { describe, expect, it } from 'vitest'
import { JsonArrayWriter } from '../../../src-main/cli/io'

const rows = [
  { id: 'crt_0000000000000001', names: ['a.example', 'b.example'], hint: null, nested: { text: 'line\nbreak "quoted"' } },
  { id: 'crt_0000000000000002', names: [], hint: { id: 'crt_0000000000000001' }, nested: { text: '' } },
  { id: 'crt_0000000000000003', names: ['ü.example'], hint: null, nested: { text: 'x' } },
]

function written(fill: (w: JsonArrayWriter) => void, indent?: string): string {
  let out = ''
  const w = new JsonArrayWriter((s) => (out += s), indent)
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
})
