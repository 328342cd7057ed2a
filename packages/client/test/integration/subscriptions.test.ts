// De-risks an OMS managing its push subscriptions through the client: every call must reach the
// admin API it names and hand back the hub's answer typed as the contract says (the secret once,
// pause and resume idempotent), and a refusal must surface as a HubApiError naming the problem.
import { describe, expect, it } from 'vitest'
import { useTestHub } from '../../../../test/helpers/hub.js'
import { clientOf } from '../helpers.js'

const hub = useTestHub({ listen: true })
const url = 'http://127.0.0.1:9/hooks' // never called: no event is recorded in this file

describe('subscriptions', () => {
  it('creates, lists, shows and deletes a subscription', async () => {
    const client = clientOf(hub)
    const created = await client.subscriptions.create({
      url,
      eventTypes: ['order.*'],
      description: 'OMS',
    })
    expect(created).toMatchObject({
      id: expect.stringMatching(/^sub_/),
      secret: expect.stringMatching(/^whsec_/),
      url,
      eventTypes: ['order.*'],
      description: 'OMS',
      status: 'active',
      disabledReason: null,
    })
    const { secret: _, ...view } = created
    expect(await client.subscriptions.get(created.id)).toEqual(view)
    expect(await client.subscriptions.list()).toContainEqual(view)

    await client.subscriptions.delete(created.id)
    expect((await client.subscriptions.list()).map((s) => s.id)).not.toContain(created.id)
    await expect(client.subscriptions.delete(created.id)).rejects.toMatchObject({
      name: 'HubApiError',
      status: 404,
      error: 'no such subscription',
    })
  })

  it('pauses and resumes, saying whether anything changed', async () => {
    const client = clientOf(hub)
    const { id } = await client.subscriptions.create({ url, eventTypes: ['order.*'] })
    expect(await client.subscriptions.pause(id)).toMatchObject({ status: 'paused', changed: true })
    expect(await client.subscriptions.pause(id)).toMatchObject({ status: 'paused', changed: false })
    expect(await client.subscriptions.resume(id)).toMatchObject({
      status: 'active',
      changed: true,
      enqueued: 0,
    })
    await client.subscriptions.delete(id)
    await expect(client.subscriptions.resume(id)).rejects.toMatchObject({
      status: 409,
      error: expect.stringMatching(/subscription is deleted/),
    })
  })

  it('surfaces a refused creation as a HubApiError naming each bad field, and creates nothing', async () => {
    const client = clientOf(hub)
    const before = await client.subscriptions.list()
    const refused = client.subscriptions.create({ url: 'ftp://oms.example', eventTypes: [] })
    await expect(refused).rejects.toMatchObject({
      status: 400,
      error: 'invalid request',
      problems: expect.arrayContaining([
        expect.stringMatching(/^body\.url: /),
        expect.stringMatching(/^body\.eventTypes: /),
      ]),
    })
    expect(await client.subscriptions.list()).toEqual(before)
  })

  it('reaches an id that needs escaping in a path as that id, not another route', async () => {
    await expect(clientOf(hub).subscriptions.get('../events')).rejects.toMatchObject({
      status: 404,
      error: 'no such subscription',
    })
  })

  it('creates a binary-mode subscription and shows its content mode', async () => {
    const client = clientOf(hub)
    const binary = await client.subscriptions.create({
      url,
      eventTypes: ['order.*'],
      contentMode: 'binary',
    })
    expect(binary.contentMode).toBe('binary')
    expect((await client.subscriptions.get(binary.id)).contentMode).toBe('binary')
    const structured = await client.subscriptions.create({ url, eventTypes: ['order.*'] })
    expect(structured.contentMode).toBe('structured')
    await expect(
      client.subscriptions.create({ url, eventTypes: ['order.*'], contentMode: 'raw' as 'binary' }),
    ).rejects.toMatchObject({
      status: 400,
      problems: [expect.stringMatching(/^body\.contentMode/)],
    })
  })
})
