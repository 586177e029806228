import fc from 'fast-check'

/**
 * Inputs for the parser fuzz suite: random data, mutations of real seeds (the way byte-level fuzzers
 * find bugs: a valid file with a few bytes changed reaches deep into a parser), and repetitions of the
 * tokens that made parsers slow before (line breaks, BEGIN lines, `&`), at sizes up to `maxRepeat`.
 */

/** A few edits of `seed`: set, flip, insert, delete, duplicate, truncate. */
export function mutatedBytes(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 256 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  )
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([seed, edits]) => {
    let b = Buffer.from(seed)
    for (const e of edits) {
      const at = b.length === 0 ? 0 : e.at % b.length
      switch (e.kind) {
        case 'set':
          if (b.length) b[at] = e.value
          break
        case 'flip':
          if (b.length) b[at] = (b[at] ?? 0) ^ (1 << e.value)
          break
        case 'insert':
          b = Buffer.concat([b.subarray(0, at), e.bytes, b.subarray(at)])
          break
        case 'delete':
          b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.length)])
          break
        case 'duplicate':
          b = Buffer.concat([b.subarray(0, at + e.length), b.subarray(at)])
          break
        case 'truncate':
          b = b.subarray(0, at)
          break
      }
    }
    return new Uint8Array(b)
  })
}

export function mutatedText(seeds: readonly string[]): fc.Arbitrary<string> {
  return mutatedBytes(seeds.map((s) => Buffer.from(s, 'utf8'))).map((b) => Buffer.from(b).toString('utf8'))
}

/** `token` repeated up to `maxRepeat` times, between a prefix and a suffix. */
export function repeated(tokens: readonly string[], maxRepeat: number, around: readonly string[] = ['']): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...around), fc.constantFrom(...tokens), fc.integer({ min: 1, max: maxRepeat }), fc.constantFrom(...around))
    .map(([before, token, n, after]) => before + token.repeat(n) + after)
}

/** Random text, mutated seeds and repeated tokens, in about equal measure. */
export function textInputs(seeds: readonly string[], tokens: readonly string[], maxRepeat: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 400, unit: 'binary' }),
    mutatedText(seeds),
    repeated(tokens, maxRepeat, ['', ...seeds.map((s) => s.slice(0, 40))]),
  )
}

/** Random bytes, mutated seeds and repeated tokens (as UTF-8, when there are any), in about equal measure. */
export function byteInputs(seeds: readonly Uint8Array[], tokens: readonly string[] = [], maxRepeat = 1): fc.Arbitrary<Uint8Array> {
  const random = fc.uint8Array({ maxLength: 600 })
  if (tokens.length === 0) return fc.oneof(random, mutatedBytes(seeds))
  return fc.oneof(random, mutatedBytes(seeds), repeated(tokens, maxRepeat).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))))
}
