// De-risks outgoing signatures: what we send verifies with the reference `standardwebhooks`
// implementation, and not with another secret or another body.
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { generateSecret, signatureHeaders } from './sign.js'

describe('Standard Webhooks signing', () => {
  const secret = generateSecret()
  const body = '{"id":"evt_1","type":"order.created.v1"}'
  const headers = signatureHeaders(secret, { id: 'evt_1', timestamp: new Date(), body })

  it('verifies with the reference implementation', () => {
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body))
  })

  it('fails for another secret or a changed body', () => {
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow()
    expect(() => new Webhook(secret).verify(body.replace('1', '2'), headers)).toThrow()
  })

  it('matches the reference signer byte for byte', () => {
    const when = new Date('2026-11-22T12:00:00Z')
    const ours = signatureHeaders(secret, { id: 'evt_2', timestamp: when, body })
    expect(ours['webhook-signature']).toBe(new Webhook(secret).sign('evt_2', when, body))
    expect(ours['webhook-timestamp']).toBe(String(when.getTime() / 1000))
  })

  it('generates distinct whsec_ secrets of 32 bytes', () => {
    const a = generateSecret()
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32)
    expect(generateSecret()).not.toBe(a)
  })
})
