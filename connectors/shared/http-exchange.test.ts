// De-risks the shared request/answer step: the body cap and its "too large" flag, the message for
// an exchange that produced no answer, and lossless JSON parsing of answers.
import { describe, expect, it } from 'vitest'
import { callErrors } from './call-errors.js'
import {
  httpExchange,
  isRecord,
  isTimeout,
  jsonAnswer,
  parseJsonAnswer,
  unansweredReason,
} from './http-exchange.js'
import type { HttpTransport } from '../../src/outbound/transport.js'

/** A transport answering `body`, honouring the read cap the way the real ones do. */
function answering(body: string, status = 200): HttpTransport {
  return () =>
    Promise.resolve({
      status,
      header: (name) => (name === 'retry-after' ? '3' : undefined),
      text: (maxBytes) => Promise.resolve(Buffer.from(body).subarray(0, maxBytes).toString()),
    })
}

const req = { method: 'GET', headers: {}, timeoutMs: 1_000 }

describe('httpExchange', () => {
  it('reads a body up to the cap whole, with status and headers', async () => {
    const answer = await httpExchange(answering('12345', 201), 'https://x.test', req, 5)
    expect(answer).toMatchObject({ status: 201, text: '12345', tooLarge: false })
    expect(answer.header('retry-after')).toBe('3')
  })

  it('flags a body one byte over the cap', async () => {
    const answer = await httpExchange(answering('123456'), 'https://x.test', req, 5)
    expect(answer.tooLarge).toBe(true)
  })

  it('lets a transport failure through for the caller to classify', async () => {
    const failing: HttpTransport = () => Promise.reject(new Error('ECONNRESET'))
    await expect(httpExchange(failing, 'https://x.test', req)).rejects.toThrow('ECONNRESET')
  })
})

describe('unansweredReason', () => {
  it('names the deadline for a timeout, the transport message otherwise', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError')
    expect(isTimeout(timeout)).toBe(true)
    expect(unansweredReason(timeout, 50)).toBe('no complete answer within 50 ms')
    expect(unansweredReason(new Error('socket hang up'), 50)).toBe('request failed: socket hang up')
  })
})

describe('parseJsonAnswer', () => {
  it('keeps integers beyond 2^53 as digit strings', () => {
    expect(parseJsonAnswer('{"id":9007199254740993,"n":1}')).toEqual({
      id: '9007199254740993',
      n: 1,
    })
  })

  it('is undefined for a body that is not JSON', () => {
    expect(parseJsonAnswer('<html/>')).toBeUndefined()
    expect(parseJsonAnswer('')).toBeUndefined()
  })

  it('isRecord accepts objects only', () => {
    expect([{}, [], null, 'x'].map(isRecord)).toEqual([true, false, false, false])
  })
})

describe('jsonAnswer', () => {
  const { fail } = callErrors('Shop', { now: () => new Date(0) }, 1_000)
  const call = { operation: 'get order 1', method: 'GET', api: '/orders/{id}' }
  const sent = (text: string, tooLarge = false) => ({
    status: 200,
    header: () => undefined,
    text,
    tooLarge,
  })

  it('parses a 2xx answer losslessly', () => {
    expect(jsonAnswer(sent('{"id":9007199254740993}'), call, fail)).toEqual({
      id: '9007199254740993',
    })
  })

  it('refuses an answer above the cap (permanent) and one that is not JSON (transient)', () => {
    expect(() => jsonAnswer(sent('{"id":1}', true), call, fail)).toThrow(
      expect.objectContaining({ kind: 'permanent', details: { status: 200 } }),
    )
    expect(() => jsonAnswer(sent('<html/>'), call, fail, 'request id R1')).toThrow(
      'Shop get order 1 (GET /orders/{id}): answer is not JSON (HTTP 200, request id R1)',
    )
    expect(() => jsonAnswer(sent('<html/>'), call, fail)).toThrow(
      /answer is not JSON \(HTTP 200\)$/,
    )
  })
})
