// De-risks body parsing: ids beyond 2^53 survive as exact strings, the fast path agrees with the
// lossless one, and malformed bodies are reported instead of thrown.
import { describe, expect, it } from 'vitest'
import { listFixtures } from '../test/helpers/fixtures.js'
import { decodeJsonBody, parseJsonBody } from './json.js'

const utf8 = (s: string) => Buffer.from(s, 'utf8')

describe('parseJsonBody', () => {
  it('keeps integers beyond 2^53 as their exact digits', () => {
    expect(parseJsonBody('{"id": 9007199254740993123, "n": 42}')).toEqual({
      id: '9007199254740993123',
      n: 42,
    })
  })

  it('keeps a 16-digit integer that is still safe as a number', () => {
    expect(parseJsonBody('{"id": 1234567890123456}')).toEqual({ id: 1234567890123456 })
  })

  it('gives the same value as JSON.parse for every fixture without long ids', () => {
    for (const fx of listFixtures('shopify')) {
      if (/\d{16}/.test(fx.body)) continue
      expect(parseJsonBody(fx.body), fx.name).toEqual(JSON.parse(fx.body))
    }
  })
})

describe('decodeJsonBody', () => {
  it('reports invalid UTF-8, truncated JSON and absurd nesting without throwing', () => {
    expect(decodeJsonBody(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual({
      ok: false,
      issue: 'body is not valid UTF-8',
    })
    expect(decodeJsonBody(utf8('{"a": ['))).toMatchObject({
      ok: false,
      issue: expect.stringMatching(/not valid JSON/),
    })
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`
    expect(() => decodeJsonBody(utf8(`{"x": 12345678901234567890, "d": ${deep}}`))).not.toThrow()
  })
})
