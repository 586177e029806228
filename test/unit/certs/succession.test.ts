import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { covers, namesOf, type SuccessionFacts, successionOf } from '../../../src-main/core/certs/succession'

const DAY = 86_400_000
const T0 = Date.parse('2027-01-01T00:00:00Z')

/** A leaf valid `lifetime` days from day `start` (days after T0), for these names. */
function leaf(id: string, start: number, names: string[], o: Partial<SuccessionFacts> & { lifetime?: number } = {}): SuccessionFacts {
  const { lifetime = 90, ...rest } = o
  return {
    id,
    subjectHash: 'subject:CN=www.example.com',
    issuerName: 'Example CA Ltd',
    names,
    notBefore: T0 + start * DAY,
    notAfter: T0 + (start + lifetime) * DAY,
    lineage: null,
    ...rest,
  }
}

describe('covers', () => {
  it.each([
    ['www.example.com', 'www.example.com', true],
    ['*.example.com', 'www.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', '*.example.com', true],
    ['www.example.com', '*.example.com', false],
    ['*.example.com', 'wwwexample.com', false],
  ])('%s serves %s: %s', (pattern, name, expected) => {
    expect(covers(pattern, name)).toBe(expected)
  })
})

describe('namesOf', () => {
  it('counts the CN as a name when the SANs leave it out, lower-cased and once', () => {
    expect(namesOf({ commonName: 'Legacy.Example.com', sans: [{ type: 'dns', value: 'A.example.com' }, { type: 'dns', value: 'a.example.com' }, { type: 'email', value: 'x@example.com' }] })).toEqual([
      'a.example.com',
      'legacy.example.com',
    ])
  })
})

describe('the replacement rule', () => {
  const old = leaf('old', 0, ['www.example.com', 'example.com'])

  it('replaces a certificate by a newer one with the same subject, names and issuer', () => {
    const renewed = leaf('new', 60, ['example.com', 'www.example.com'])
    expect(successionOf(old, [renewed], [])).toEqual({ successor: { id: 'new', reason: 'same-identity' }, hintId: null })
  })

  it('never replaces by a wildcard that only covers the names: it is a hint', () => {
    const wildcard = leaf('wild', 60, ['*.example.com', 'example.com'], { subjectHash: 'subject:CN=*.example.com' })
    expect(successionOf(old, [wildcard], [])).toEqual({ successor: null, hintId: 'wild' })
  })

  it('never replaces by a certificate with more names: it is a hint', () => {
    const broader = leaf('broad', 60, ['www.example.com', 'example.com', 'api.example.com'])
    expect(successionOf(old, [broader], [])).toEqual({ successor: null, hintId: 'broad' })
  })

  it('does not replace by the same names for another organisation', () => {
    const ov = leaf('ov', 0, ['shop.example.com'], { subjectHash: 'subject:CN=shop.example.com, O=Shop Ltd' })
    const other = leaf('other-org', 60, ['shop.example.com'], { subjectHash: 'subject:CN=shop.example.com, O=Other Ltd' })
    expect(successionOf(ov, [other], [])).toEqual({ successor: null, hintId: 'other-org' })
  })

  it('does not replace by the same subject and names from another issuer', () => {
    const elsewhere = leaf('elsewhere', 60, ['www.example.com', 'example.com'], { issuerName: 'Another CA Inc' })
    expect(successionOf(old, [elsewhere], [])).toEqual({ successor: null, hintId: 'elsewhere' })
  })

  it('does not replace by a certificate that drops a name, nor by an older or shorter one', () => {
    const dropped = leaf('dropped', 60, ['www.example.com'])
    const older = leaf('older', -30, ['www.example.com', 'example.com'], { lifetime: 200 })
    const shorter = leaf('shorter', 10, ['www.example.com', 'example.com'], { lifetime: 30 })
    expect(successionOf(old, [dropped, shorter], [])).toEqual({ successor: null, hintId: null })
    // An older certificate that outlasts it is a hint (perhaps still installed), never evidence.
    expect(successionOf(old, [older], [])).toEqual({ successor: null, hintId: 'older' })
  })

  it('replaces by a newer certificate of the same order family, whatever its names and issuer', () => {
    const first = leaf('first', 0, ['shop.example.com'], { lineage: 'ord_1' })
    const reissue = leaf('reissue', 30, ['shop.example.com', 'pay.example.com'], { lineage: 'ord_1', issuerName: 'Example CA Ltd (new intermediate)', lifetime: 60 })
    expect(successionOf(first, [reissue], [])).toEqual({ successor: { id: 'reissue', reason: 'order' }, hintId: null })
    const endsSooner = leaf('sooner', 30, ['shop.example.com'], { lineage: 'ord_1', lifetime: 30 })
    expect(successionOf(first, [endsSooner], [])).toEqual({ successor: null, hintId: null })
  })

  it("takes the user's link over the rule, and the user's refusal out of every rule", () => {
    const renewed = leaf('new', 60, ['example.com', 'www.example.com'])
    const moved = leaf('moved', 50, ['shop.example.net'], { lifetime: 365 })
    expect(successionOf(old, [renewed, moved], [{ otherId: 'moved', decision: 'successor' }])).toEqual({ successor: { id: 'moved', reason: 'user' }, hintId: null })
    expect(successionOf(old, [renewed], [{ otherId: 'new', decision: 'not-successor' }])).toEqual({ successor: null, hintId: null })
    const wildcard = leaf('wild', 60, ['*.example.com', 'example.com'])
    expect(successionOf(old, [wildcard], [{ otherId: 'wild', decision: 'not-successor' }])).toEqual({ successor: null, hintId: null })
  })

  it('ignores a user link to a certificate that does not outlast it', () => {
    const earlier = leaf('earlier', -100, ['x.example.com'])
    expect(successionOf(old, [earlier], [{ otherId: 'earlier', decision: 'successor' }])).toEqual({ successor: null, hintId: null })
  })

  it('picks the strongest evidence, then the longest-lasting successor', () => {
    const a = leaf('a', 60, ['example.com', 'www.example.com'])
    const b = leaf('b', 70, ['example.com', 'www.example.com'])
    const c = leaf('c', 65, ['example.com', 'www.example.com'], { lineage: 'ord_9' })
    expect(successionOf(old, [a, b], []).successor).toEqual({ id: 'b', reason: 'same-identity' })
    expect(successionOf({ ...old, lineage: 'ord_9' }, [a, b, c], []).successor).toEqual({ id: 'c', reason: 'order' })
  })

  it('never lets two certificates replace each other (following successors always moves later)', () => {
    const day = fc.integer({ min: -400, max: 400 })
    const facts = fc.record({
      start: day,
      lifetime: fc.integer({ min: 1, max: 400 }),
      names: fc.subarray(['a.example.com', 'b.example.com', '*.example.com', 'example.com'], { minLength: 1 }),
      subject: fc.constantFrom('s1', 's2'),
      issuer: fc.constantFrom('CA 1', 'CA 2'),
      lineage: fc.constantFrom(null, 'ord_1', 'ord_2'),
      linked: fc.boolean(),
    })
    fc.assert(
      fc.property(fc.array(facts, { minLength: 2, maxLength: 8 }), (specs) => {
        const all = specs.map((s, i) => leaf(`c${i}`, s.start, s.names, { lifetime: s.lifetime, subjectHash: s.subject, issuerName: s.issuer, lineage: s.lineage }))
        const next = new Map<string, string>()
        all.forEach((c, i) => {
          const linkTo = specs[i]?.linked ? all[(i + 1) % all.length] : undefined
          const s = successionOf(c, all, linkTo ? [{ otherId: linkTo.id, decision: 'successor' }] : [])
          if (s.successor) next.set(c.id, s.successor.id)
        })
        for (const start of next.keys()) {
          const seen = new Set<string>()
          for (let at: string | undefined = start; at !== undefined; at = next.get(at)) {
            expect(seen.has(at)).toBe(false)
            seen.add(at)
          }
        }
      }),
    )
  })
})
