// The checks every layer relies on to keep values PostgreSQL refuses away from it: if one misses
// a NUL or lets an out-of-range number through, a request becomes a 500 or a retry loop.
import { describe, expect, it } from 'vitest'
import {
  PgInteger,
  PgText,
  bigintCursor,
  hasUnstorableChar,
  isUnstorableValueError,
  unstorableTextPath,
  pathText,
  storableJson,
  storableTime,
  visibleText,
} from './storable.js'

describe('unstorableTextPath', () => {
  it('finds a NUL in nested values and in keys, naming the path', () => {
    expect(unstorableTextPath({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toEqual(['a', 1, 'c'])
    expect(unstorableTextPath({ a: { 'k\u0000': 1 } })).toEqual(['a', 'k\u0000'])
    expect(unstorableTextPath('\u0000')).toEqual([])
    expect(unstorableTextPath({ a: ['fine', 1, null, true] })).toBeUndefined()
  })

  it('names the path as formatIssues does, with the NUL made visible', () => {
    expect(pathText('body', ['a', 1, 'k\u0000'])).toBe('body.a[1].k\u2400')
  })
})

describe('schemas and storage forms', () => {
  it('PgText refuses NUL; PgInteger refuses beyond a PostgreSQL integer', () => {
    expect(PgText.safeParse('a\u0000').success).toBe(false)
    expect(PgText.safeParse('a').success).toBe(true)
    expect(PgInteger.safeParse(2_147_483_647).success).toBe(true)
    expect(PgInteger.safeParse(2_147_483_648).success).toBe(false)
    expect(PgInteger.safeParse(-2_147_483_649).success).toBe(false)
  })

  it('bigintCursor takes up to the largest bigint and no further', () => {
    const cursor = bigintCursor('bad')
    expect(cursor.safeParse('9223372036854775807').success).toBe(true)
    expect(cursor.safeParse('9223372036854775808').success).toBe(false)
    expect(cursor.safeParse('9'.repeat(23)).success).toBe(false)
    expect(cursor.safeParse('12a').success).toBe(false)
  })

  it('storableJson keeps the text readable and free of NUL', () => {
    const json = storableJson({ reason: 'id \u0000 here', issues: ['a\u0000'] })
    expect(json).not.toContain('\\u0000')
    expect(JSON.parse(json)).toEqual({ reason: 'id \u2400 here', issues: ['a\u2400'] })
  })

  it('storableTime takes years 1 to 9999', () => {
    expect(storableTime(new Date('2026-01-01T00:00:00Z'))).toBe(true)
    expect(storableTime(new Date('0000-01-01T00:00:00Z'))).toBe(false)
    expect(storableTime(new Date(8.64e15))).toBe(false)
    expect(storableTime(new Date(NaN))).toBe(false)
  })

  it('recognizes only the codes of values PostgreSQL cannot store', () => {
    expect(isUnstorableValueError({ code: '22P05' })).toBe(true)
    expect(isUnstorableValueError({ code: '22003' })).toBe(true)
    expect(isUnstorableValueError({ code: '57P01' })).toBe(false)
    expect(isUnstorableValueError(new Error('x'))).toBe(false)
    expect(isUnstorableValueError(null)).toBe(false)
  })
})

describe('hasUnstorableChar', () => {
  it('finds U+0000 and half a surrogate pair, and leaves whole pairs alone', () => {
    expect(hasUnstorableChar('a\u0000b')).toBe(true)
    expect(hasUnstorableChar('a\ud800b')).toBe(true) // a high half, then no low half
    expect(hasUnstorableChar('a\udc00')).toBe(true) // a low half with no high half before it
    expect(hasUnstorableChar('\ud800')).toBe(true)
    expect(hasUnstorableChar('T-shirt 😀 \ud83d\ude00')).toBe(false)
    expect(hasUnstorableChar('plain, ünïcödé')).toBe(false)
  })

  it('shows each as a visible stand-in, never dropping the rest', () => {
    expect(visibleText('a\u0000b\ud800c😀')).toBe('a\u2400b\ufffdc😀')
  })
})
