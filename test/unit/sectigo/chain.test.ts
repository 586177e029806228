import { beforeAll, describe, expect, it } from 'vitest'
import { orderCertificateSet, orderChain } from '../../../src-main/core/sectigo/chain'
import { issue, makeChain, makeRoot, type TestChain } from './support/certs'
import { opensslVerifies } from './support/tools'

const hex = (d: Uint8Array): string => Buffer.from(d).toString('hex').slice(0, 40)

describe('orderChain', () => {
  let t: TestChain
  let deep: { root: Uint8Array; i1: Uint8Array; i2: Uint8Array; leaf: Uint8Array }

  beforeAll(async () => {
    t = await makeChain('Order')
    const root = await makeRoot('Deep Root')
    const i1 = await issue(root, 'Deep Intermediate 1', { ca: true })
    const i2 = await issue(i1, 'Deep Intermediate 2', { ca: true })
    const leaf = await issue(i2, 'deep.example.com', { ca: false })
    deep = { root: root.der, i1: i1.der, i2: i2.der, leaf: leaf.der }
  })

  it('puts a root-first chain leaf-first, and openssl verifies the result', () => {
    const r = orderChain(t.leaf.der, [t.root.der, t.intermediate.der])
    expect(r.chain.map(hex)).toEqual([t.leaf.der, t.intermediate.der, t.root.der].map(hex))
    expect(r.unlinked).toEqual([])
    expect(opensslVerifies(r.chain)).toBe(true)
  })

  it('orders every permutation of a four-certificate chain the same way', () => {
    const cas = [deep.root, deep.i1, deep.i2]
    const perms = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ]
    for (const p of perms) {
      const r = orderChain(
        deep.leaf,
        p.map((i) => cas[i] as Uint8Array),
      )
      expect(r.chain.map(hex)).toEqual([deep.leaf, deep.i2, deep.i1, deep.root].map(hex))
    }
    expect(opensslVerifies([deep.leaf, deep.i2, deep.i1, deep.root])).toBe(true)
  })

  it('keeps a foreign certificate apart instead of chaining it', async () => {
    const foreign = await makeRoot('Foreign Root')
    const r = orderChain(t.leaf.der, [foreign.der, t.root.der, t.intermediate.der])
    expect(r.chain).toHaveLength(3)
    expect(r.unlinked.map(hex)).toEqual([hex(foreign.der)])
  })

  it('drops duplicates and a copy of the leaf among the CA certificates', () => {
    const r = orderChain(t.leaf.der, [t.intermediate.der, t.leaf.der, t.intermediate.der, t.root.der])
    expect(r.chain.map(hex)).toEqual([t.leaf.der, t.intermediate.der, t.root.der].map(hex))
    expect(r.unlinked).toEqual([])
  })

  it('does not let a leaf without basicConstraints act as an intermediate', async () => {
    const root = await makeRoot('Bad Root')
    const fakeIntermediate = await issue(root, 'Not A CA', { ca: 'no-constraints' })
    const leaf = await issue(fakeIntermediate, 'victim.example.com', { ca: false })
    const r = orderChain(leaf.der, [fakeIntermediate.der, root.der])
    expect(r.chain).toHaveLength(1)
    expect(r.unlinked).toHaveLength(2)
  })

  it('detects a loop of two CAs that issued each other', async () => {
    const a0 = await makeRoot('Loop A')
    const b0 = await makeRoot('Loop B')
    const aByB = await issue(b0, 'Loop A', { ca: true, publicKeyFrom: a0 })
    const bByA = await issue(a0, 'Loop B', { ca: true, publicKeyFrom: b0 })
    const leaf = await issue(a0, 'loop.example.com', { ca: false })
    expect(() => orderChain(leaf.der, [aByB.der, bByA.der])).toThrow(/loops/)
  })

  it('refuses bytes that are not a certificate', () => {
    expect(() => orderChain(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), [])).toThrow(/not a valid X.509/)
  })

  it('finds the leaf in an unlabelled shuffled set', () => {
    const r = orderCertificateSet([deep.i1, deep.leaf, deep.root, deep.i2])
    expect(r.chain.map(hex)).toEqual([deep.leaf, deep.i2, deep.i1, deep.root].map(hex))
  })

  it('refuses a set with two unrelated leaves', async () => {
    const other = await makeChain('Other')
    expect(() => orderCertificateSet([t.leaf.der, other.leaf.der])).toThrow(/exactly one end-entity/)
  })
})
