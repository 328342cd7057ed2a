// De-risks test/setup-network.ts: an integration test that reaches for the network beyond this
// machine fails at once, naming the host, through fetch and undici alike; loopback still works.
import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { useReceiver } from '../helpers/receiver.js'

const receiver = useReceiver()

describe('the network guard of integration tests', () => {
  it('refuses fetch to another host, naming it', async () => {
    const err: unknown = await fetch('http://example.com/').then(
      () => undefined,
      (e: unknown) => e,
    )
    expect((err as { cause?: Error }).cause?.message).toBe(
      'a test tried to reach example.com, which is not this machine',
    )
  })

  it("refuses undici's request() to another host, naming it", async () => {
    await expect(request('http://10.255.255.1/')).rejects.toThrow(
      'a test tried to reach 10.255.255.1, which is not this machine',
    )
  })

  it('lets loopback through', async () => {
    const res = await fetch(receiver.url, { method: 'POST', body: '{}' })
    expect(res.status).toBe(200)
    expect(receiver.received).toHaveLength(1)
  })
})
