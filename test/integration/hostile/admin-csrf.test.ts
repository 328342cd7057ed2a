// Issue 13 item 3: a page on another site cannot make an operator's browser change anything.
// Admin writes take only application/json bodies and, outside Bull Board, only Bearer tokens
// (browsers cache Basic credentials and attach them to forged requests); a foreign Origin or
// Sec-Fetch-Site: cross-site is refused with 403 before credentials are looked at. Each refusal
// is logged and counted, nothing is stored, and the hub keeps serving; Bull Board's own page (a
// same-origin XHR with Basic) and a JSON + Bearer script keep working. Over a real socket, so
// the hub's own origin is what a browser would send.
import { Agent, request, type Dispatcher } from 'undici'
import { describe, expect, it } from 'vitest'
import { ADMIN, TEST_ADMIN_TOKEN, useTestHub } from '../../helpers/hub.js'
import { capturedLog } from '../../helpers/log-lines.js'

const { log, lines } = capturedLog('info')
const hub = useTestHub({
  listen: true,
  log: log,
  env: { ADMIN_ALLOWED_ORIGINS: 'https://ops.example.com' },
})

const basic = `Basic ${Buffer.from(`ops:${TEST_ADMIN_TOKEN}`).toString('base64')}`
const subscription = JSON.stringify({
  url: 'https://oms.example.com/hook',
  eventTypes: ['order.*'],
})

async function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
  dispatcher?: Dispatcher,
) {
  const res = await request(`${hub.url}${path}`, {
    method: method as 'POST',
    headers,
    body,
    ...(dispatcher ? { dispatcher } : {}),
  })
  const text = await res.body.text()
  return {
    status: res.statusCode,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  }
}

const stored = async () =>
  (await hub.deps.db.selectFrom('subscription').select('url').execute()).map((r) => r.url)
const audited = async () =>
  (await hub.deps.db.selectFrom('audit_log').select('id').execute()).length

describe('CSRF-shaped admin writes', () => {
  it('refuses the shape from the issue (text/plain, foreign Origin, cached Basic): 403, nothing stored, logged', async () => {
    const storedBefore = await stored()
    const before = await audited()
    // From an address of its own: refusals are logged once a minute per reason and address, and
    // other tests of this file make the same refusal from 127.0.0.1.
    const ownAddress = new Agent({ localAddress: '127.0.0.2' })
    const res = await send(
      'POST',
      '/v1/subscriptions',
      { 'content-type': 'text/plain', origin: 'https://evil.example', authorization: basic },
      subscription,
      ownAddress,
    )
    await ownAddress.close()
    expect(res.status).toBe(403)
    expect(res.body.error).toMatch(/^Origin: https:\/\/evil\.example is not this hub's origin/)
    expect(await stored()).toEqual(storedBefore)
    // Refused before authentication: nothing was done, so nothing to audit; the log has it.
    expect(await audited()).toBe(before)
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'admin write refused',
        reason: 'cross-origin',
        origin: 'https://evil.example',
        path: '/v1/subscriptions',
      }),
    )
    expect(JSON.stringify(lines)).not.toContain(TEST_ADMIN_TOKEN)
  })

  it.each([
    ['a foreign Origin with JSON and Bearer', { ...ADMIN, origin: 'https://evil.example' }, 403],
    ['Origin: null (sandboxed frame)', { ...ADMIN, origin: 'null' }, 403],
    ['the same host on another port', { ...ADMIN, origin: 'http://127.0.0.1:1' }, 403],
    ['Sec-Fetch-Site: cross-site', { ...ADMIN, 'sec-fetch-site': 'cross-site' }, 403],
  ])('refuses %s with 403', async (_name, headers, status) => {
    const storedBefore = await stored()
    const res = await send(
      'POST',
      '/v1/subscriptions',
      { ...headers, 'content-type': 'application/json' },
      subscription,
    )
    expect(res.status).toBe(status)
    expect(res.body.error).toMatch(/(Origin|Sec-Fetch-Site): .*refused/)
    expect(await stored()).toEqual(storedBefore)
  })

  it.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['JSON-ish', 'text/json'],
  ])('refuses a %s body with 415 naming application/json', async (_name, contentType) => {
    const storedBefore = await stored()
    const res = await send(
      'POST',
      '/v1/subscriptions',
      { ...ADMIN, 'content-type': contentType },
      subscription,
    )
    expect(res.status).toBe(415)
    expect(res.body).toEqual({
      error: `Content-Type: ${contentType}; admin writes take application/json`,
      expected: 'application/json',
    })
    expect(await stored()).toEqual(storedBefore)
  })

  it('refuses a body without a Content-Type, and Basic on the API even when well-formed', async () => {
    const storedBefore = await stored()
    const untyped = await request(`${hub.url}/v1/subscriptions`, {
      method: 'POST',
      headers: ADMIN,
      body: Buffer.from(subscription),
    })
    expect(untyped.statusCode).toBe(415)
    await untyped.body.dump()
    const viaBasic = await send(
      'POST',
      '/v1/subscriptions',
      { authorization: basic, 'content-type': 'application/json' },
      subscription,
    )
    expect(viaBasic.status).toBe(401)
    expect(viaBasic.body.error).toMatch(/HTTP Basic is accepted only by Bull Board/)
    expect(await stored()).toEqual(storedBefore)
  })

  it('counts every refusal in /metrics', async () => {
    // Its own refusals, one of each, measured against the counts before (other tests add theirs).
    const series = [
      'hub_admin_writes_refused_total{reason="cross-origin"}',
      'hub_admin_writes_refused_total{reason="cross-site"}',
      'hub_admin_writes_refused_total{reason="content-type"}',
      'hub_admin_auth_failures_total{reason="scheme"}',
    ]
    const counts = async () => {
      const text = await (await request(`${hub.url}/metrics`)).body.text()
      const value = (s: string) =>
        text
          .split('\n')
          .find((l) => l.startsWith(`${s} `))
          ?.slice(s.length + 1)
      return series.map((s) => Number(value(s) ?? 0))
    }
    const before = await counts()
    const json = { 'content-type': 'application/json' }
    const refused = [
      await send(
        'POST',
        '/v1/subscriptions',
        { ...ADMIN, ...json, origin: 'https://evil.example' },
        subscription,
      ),
      await send(
        'POST',
        '/v1/subscriptions',
        { ...ADMIN, ...json, 'sec-fetch-site': 'cross-site' },
        subscription,
      ),
      await send(
        'POST',
        '/v1/subscriptions',
        { ...ADMIN, 'content-type': 'text/plain' },
        subscription,
      ),
      await send('POST', '/v1/subscriptions', { ...json, authorization: basic }, subscription),
    ]
    expect(refused.map((r) => r.status)).toEqual([403, 403, 415, 401])
    const after = await counts()
    expect(after.map((n, i) => n - before[i]!)).toEqual([1, 1, 1, 1])
  })
})

describe('legitimate admin writes', () => {
  it('a JSON + Bearer script works, with its own origin, an allowed one, or none', async () => {
    const behindTls = hub.url.replace('http:', 'https:')
    const storedBefore = await stored()
    const auditedBefore = await hub.deps.db
      .selectFrom('audit_log')
      .select('id')
      .where('path', '=', '/v1/subscriptions')
      .execute()
    for (const origin of [undefined, hub.url, 'https://ops.example.com', behindTls]) {
      const res = await send(
        'POST',
        '/v1/subscriptions',
        {
          ...ADMIN,
          'content-type': 'application/json',
          ...(origin ? { origin } : {}),
          // A TLS-terminating proxy in front: the page is https, the request arrives as http.
          ...(origin === behindTls ? { 'x-forwarded-proto': 'https' } : {}),
        },
        JSON.stringify({ url: `https://oms.example.com/${origin ?? 'none'}`, eventTypes: ['*'] }),
      )
      expect(res.status, origin).toBe(201)
    }
    expect(await stored()).toHaveLength(storedBefore.length + 4)
    const earlier = new Set(auditedBefore.map((a) => String(a.id)))
    const audit = (
      await hub.deps.db
        .selectFrom('audit_log')
        .select(['id', 'body', 'status'])
        .where('path', '=', '/v1/subscriptions')
        .execute()
    ).filter((a) => !earlier.has(String(a.id)))
    // Every audited write has its body: only JSON gets this far.
    expect(audit.map((a) => a.status)).toEqual([201, 201, 201, 201])
    expect(audit.every((a) => a.body?.includes('oms.example.com'))).toBe(true)
  })

  it('a write without a body still reaches a route that takes none', async () => {
    const created = await send(
      'POST',
      '/v1/subscriptions',
      { ...ADMIN, 'content-type': 'application/json' },
      JSON.stringify({ url: 'https://oms.example.com/to-pause', eventTypes: ['*'] }),
    )
    expect(created.status).toBe(201)
    const res = await send('POST', `/v1/subscriptions/${String(created.body.id)}/pause`, ADMIN)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'paused' })
  })

  it('Bull Board works from its own page with Basic: the page, the API, and a write', async () => {
    const page = await request(`${hub.url}/admin/queues`, { headers: { authorization: basic } })
    expect(page.statusCode).toBe(200)
    expect(await page.body.text()).toContain('<!DOCTYPE html>')
    // What the page's XHR sends: same-origin, the browser's cached Basic credentials, no body.
    const pause = await send('PUT', '/admin/queues/api/queues/deliver/pause', {
      authorization: basic,
      origin: hub.url,
      'sec-fetch-site': 'same-origin',
    })
    expect(pause.status).toBe(200)
    expect(await hub.deps.queues.all.find((q) => q.name === 'deliver')!.isPaused()).toBe(true)
    const resume = await send('PUT', '/admin/queues/api/queues/deliver/resume', {
      authorization: basic,
      origin: hub.url,
    })
    expect(resume.status).toBe(200)
    // The same action from another site is refused.
    const forged = await send('PUT', '/admin/queues/api/queues/deliver/pause', {
      authorization: basic,
      origin: 'https://evil.example',
    })
    expect(forged.status).toBe(403)
    expect(await hub.deps.queues.all.find((q) => q.name === 'deliver')!.isPaused()).toBe(false)
  })
})
