// De-risks Walmart's OAuth webhook mode end to end on a real database: the hub's token endpoint
// refuses wrong client credentials, issues short-lived opaque tokens stored only as hashes, and a
// webhook is accepted only with a live token issued to its own account (expired or unknown: 401;
// the store unreachable: 503, never 401).
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { WalmartCredentials } from '../../connectors/walmart/index.js'
import type { Account } from '../../src/config/index.js'
import { closeDeps, createDeps } from '../../src/deps.js'
import { createApp } from '../../src/http/app.js'
import { loadFixture } from '../helpers/fixtures.js'
import { useTestHub } from '../helpers/hub.js'
import { inboxCount } from '../helpers/load.js'

const CLIENT = { clientId: 'walmart-webhooks', clientSecret: 'correct-horse-battery-staple' }
const TTL_SECONDS = 120

const account = (id: string, webhookAuth: unknown[]): Account => ({
  channel: 'walmart',
  id,
  credentials: WalmartCredentials.parse({
    webhookAuth,
    clientId: 'api-client',
    clientSecret: 'api-secret',
  }),
})
const oauthMode = { method: 'OAUTH', clients: [CLIENT], tokenTtlSeconds: TTL_SECONDS }

let nowMs = Date.parse('2026-11-22T12:00:00Z')
const hub = useTestHub({
  clock: { now: () => new Date(nowMs) },
  accounts: [
    account('acme', [oauthMode]),
    account('other', [oauthMode]),
    account('basic-only', [{ method: 'BASIC_AUTH', users: [{ userName: 'u', password: 'p' }] }]),
  ],
})
const fx = loadFixture('walmart', 'PO_CREATED/basic')

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

function requestToken(
  accountId: string,
  authorization: string,
  form = 'grant_type=client_credentials',
  app = hub.app,
) {
  return app.request(`/webhooks/walmart/${accountId}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization,
      accept: 'application/json; charset=UTF-8',
      'content-type': 'application/x-www-form-urlencoded; charset=ISO-8859-1',
    },
    body: form,
  })
}

async function issue(accountId = 'acme'): Promise<string> {
  const res = await requestToken(accountId, basic(CLIENT.clientId, CLIENT.clientSecret))
  expect(res.status).toBe(200)
  return ((await res.json()) as { access_token: string }).access_token
}

let serial = 0
function deliver(accountId: string, token: string, app = hub.app) {
  serial += 1
  const body = fx.body.replace(/"eventId"\s*:\s*"[^"]+"/, `"eventId":"oauth-test-${serial}"`)
  return app.request(`/webhooks/walmart/${accountId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  })
}

const storedWebhooks = () => inboxCount(hub.deps.db)

describe('the token endpoint', () => {
  it('refuses wrong or missing client credentials and stores nothing', async () => {
    // Tokens other tests issued may be stored already: nothing new is the claim.
    const storedTokens = () =>
      hub.deps.db.selectFrom('webhook_token').selectAll().orderBy('token_hash').execute()
    const before = await storedTokens()
    for (const authorization of [
      basic(CLIENT.clientId, 'wrong-secret'),
      basic('someone-else', CLIENT.clientSecret),
      'Bearer not-basic',
      '',
    ]) {
      const res = await requestToken('acme', authorization)
      expect(res.status, authorization).toBe(401)
      expect(await res.json()).toEqual({ error: 'invalid_client' })
    }
    expect(await storedTokens()).toEqual(before)
  })

  it('requires the client credentials grant', async () => {
    const good = basic(CLIENT.clientId, CLIENT.clientSecret)
    const wrongGrant = await requestToken('acme', good, 'grant_type=password&username=x')
    expect(wrongGrant.status).toBe(400)
    expect(await wrongGrant.json()).toMatchObject({ error: 'unsupported_grant_type' })
    const noGrant = await requestToken('acme', good, '')
    expect(noGrant.status).toBe(400)
    expect(await noGrant.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('issues an opaque bearer token, never cached, stored only as a hash', async () => {
    const res = await requestToken('acme', basic(CLIENT.clientId, CLIENT.clientSecret))
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = (await res.json()) as {
      access_token: string
      token_type: string
      expires_in: number
    }
    expect(body).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      token_type: 'Bearer',
      expires_in: TTL_SECONDS,
    })
    const rows = await hub.deps.db
      .selectFrom('webhook_token')
      .select(['token_hash', 'account_id', 'client_id', 'expires_at'])
      .execute()
    const hash = createHash('sha256').update(body.access_token).digest()
    expect(rows).toContainEqual({
      token_hash: hash,
      account_id: 'acme',
      client_id: CLIENT.clientId,
      expires_at: new Date(nowMs + TTL_SECONDS * 1000),
    })
    expect(rows.some((r) => r.token_hash.toString('utf8').includes(body.access_token))).toBe(false)
  })

  it('answers 404 for an account that does not use OAuth, or does not exist', async () => {
    const good = basic(CLIENT.clientId, CLIENT.clientSecret)
    expect((await requestToken('basic-only', good)).status).toBe(404)
    expect((await requestToken('nobody', good)).status).toBe(404)
  })
})

describe('webhooks authenticated with issued tokens', () => {
  it('accepts a live token, and refuses an unknown one', async () => {
    const before = await storedWebhooks()
    const token = await issue()
    expect((await deliver('acme', token)).status).toBe(200)
    expect((await deliver('acme', 'never-issued-token')).status).toBe(401)
    expect(await storedWebhooks()).toBe(before + 1)
  })

  it('refuses a token once it has expired', async () => {
    const token = await issue()
    nowMs += (TTL_SECONDS - 1) * 1000
    expect((await deliver('acme', token)).status).toBe(200)
    nowMs += 2_000
    const res = await deliver('acme', token)
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ reason: 'stale' })
  })

  it('binds a token to the account it was issued for', async () => {
    const token = await issue('acme')
    expect((await deliver('other', token)).status).toBe(401)
    expect((await deliver('acme', token)).status).toBe(200)
  })

  it('answers 503, not 401, when the token store cannot be reached', async () => {
    const token = await issue()
    const config = {
      ...hub.config,
      db: { ...hub.config.db, url: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 300 },
    }
    const deps = createDeps(config, { log: hub.deps.log })
    try {
      const app = createApp(deps)
      expect((await deliver('acme', token, app)).status).toBe(503)
      const tokenRes = await requestToken(
        'acme',
        basic(CLIENT.clientId, CLIENT.clientSecret),
        undefined,
        app,
      )
      expect(tokenRes.status).toBe(503)
    } finally {
      await closeDeps(deps)
    }
  })
})
