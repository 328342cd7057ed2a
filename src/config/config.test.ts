// De-risks start-up configuration: sensible defaults give a working sandbox, and a bad
// configuration stops the process with one error naming every bad field, secrets resolved from
// the environment where the accounts file says so.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { problemsOf } from '../../test/helpers/config.js'
import { loadConfig } from './index.js'

const dir = mkdtempSync(join(tmpdir(), 'hub-config-'))
function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('loadConfig', () => {
  it('starts in sandbox mode with no configuration at all', () => {
    const config = loadConfig({})
    expect(config.mode).toBe('sandbox')
    expect(config.accounts.map((a) => `${a.channel}/${a.id}`)).toEqual([
      'shopify/demo',
      'amazon/demo',
      'walmart/demo',
      'tiktok-shop/demo',
    ])
    expect(config.admin.generated).toBe(true)
    expect(config.admin.token).toMatch(/^hub_admin_.{24}$/)
    expect(config.http).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      maxBodyBytes: 1_048_576,
      ingressDeadlineMs: 2_500,
      adminMaxBodyBytes: 16_777_216,
    })
    expect(config.db.url).toBe('postgres://postgres@127.0.0.1:5432/marketplace_hub')
    expect(config.role).toBe('all')
  })

  it('bounds what one HTTP client may hold, with defaults and a consistent order', () => {
    expect(loadConfig({}).http.limits).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 1_000,
    })
    expect(problemsOf({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).toContain(
      'HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS',
    )
  })

  it('locks jobs and checks for stalled ones as BullMQ does by default, or as configured', () => {
    const timing = (env: Record<string, string>) => {
      const { jobLockMs, jobStalledIntervalMs } = loadConfig(env).maintenance
      return { jobLockMs, jobStalledIntervalMs }
    }
    // BullMQ's own defaults (lockDuration, stalledInterval).
    expect(timing({})).toEqual({ jobLockMs: 30_000, jobStalledIntervalMs: 30_000 })
    expect(timing({ JOB_LOCK_MS: '3000' })).toEqual({
      jobLockMs: 3_000,
      jobStalledIntervalMs: 3_000,
    })
    expect(timing({ JOB_LOCK_MS: '2000', JOB_STALLED_INTERVAL_MS: '500' })).toEqual({
      jobLockMs: 2_000,
      jobStalledIntervalMs: 500,
    })
    expect(problemsOf({ JOB_LOCK_MS: '1.5', JOB_STALLED_INTERVAL_MS: 'soon' })).toEqual([
      expect.stringMatching(/^JOB_LOCK_MS: .*expected int/),
      expect.stringMatching(/^JOB_STALLED_INTERVAL_MS: .*expected number/),
    ])
    expect(problemsOf({ JOB_LOCK_MS: '999', JOB_STALLED_INTERVAL_MS: '499' })).toEqual([
      'JOB_LOCK_MS: Too small: expected number to be >=1000',
      'JOB_STALLED_INTERVAL_MS: Too small: expected number to be >=500',
    ])
  })

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', ADMIN_TOKEN: '' }).http.port).toBe(3000)
  })

  it('names every bad environment variable at once', () => {
    expect(
      problemsOf({
        PORT: 'eighty',
        QUEUE_PREFIX: 'hub:prod',
        DATABASE_URL: 'mysql://x',
        ADMIN_TOKEN: 'short',
      }),
    ).toEqual([
      expect.stringMatching(/^DATABASE_URL: /),
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(/^ADMIN_TOKEN: must be at least 16/),
      expect.stringMatching(/^QUEUE_PREFIX: .*":"/),
    ])
  })

  it('reads a YAML accounts file, resolving secrets from named variables', () => {
    const path = file(
      'accounts.yaml',
      `accounts:
  - channel: shopify
    id: acme-us
    shopDomain: acme.myshopify.com
    webhookSecrets:
      - env: SHOPIFY_SECRET
      - inline-previous-secret
`,
    )
    const config = loadConfig({
      HUB_CONFIG: path,
      ADMIN_TOKEN: 'a-long-enough-admin-token',
      SHOPIFY_SECRET: 'from-env',
    })
    expect(config.mode).toBe('configured')
    expect(config.http.host).toBe('0.0.0.0')
    expect(config.admin).toEqual({
      token: 'a-long-enough-admin-token',
      generated: false,
      allowedOrigins: [],
    })
    expect(config.authFailures).toEqual({ limit: 20, windowMs: 300_000 })
    expect(config.delivery.subscriberAllow).toEqual({ hosts: [], networks: [] })
    expect(config.accounts).toEqual([
      {
        channel: 'shopify',
        id: 'acme-us',
        credentials: {
          shopDomain: 'acme.myshopify.com',
          webhookSecrets: ['from-env', 'inline-previous-secret'],
        },
        stock: { policy: {} },
      },
    ])
  })

  it('reads a JSON accounts file', () => {
    const path = file(
      'accounts.json',
      JSON.stringify({ accounts: [{ channel: 'shopify', id: 'eu', webhookSecrets: ['s'] }] }),
    )
    expect(
      loadConfig({ HUB_CONFIG: path, ADMIN_TOKEN: 'a-long-enough-admin-token' }).accounts,
    ).toHaveLength(1)
  })

  it('reads stock.onboarding, and names a value that is not true or false', () => {
    const accountWith = (onboarding: string) =>
      file(
        'onboarding.yaml',
        `accounts:
  - channel: shopify
    id: eu
    webhookSecrets: [s]
    stock: { onboarding: ${onboarding} }
`,
      )
    const env = { ADMIN_TOKEN: 'a-long-enough-admin-token' }
    expect(loadConfig({ ...env, HUB_CONFIG: accountWith('true') }).accounts[0]!.stock).toEqual({
      policy: {},
      onboarding: true,
    })
    expect(() => loadConfig({ ...env, HUB_CONFIG: accountWith('"soon"') })).toThrow(
      /accounts\[0\]\.stock\.onboarding/,
    )
  })

  it('reads the locations, default always among them, and names each bad entry', () => {
    const accounts = `accounts:
  - channel: shopify
    id: eu
    webhookSecrets: [s]
`
    const env = (path: string) => ({ HUB_CONFIG: path, ADMIN_TOKEN: 'a-long-enough-admin-token' })
    const good = loadConfig(
      env(
        file(
          'locations.yaml',
          `${accounts}locations:\n  - east\n  - { name: west, channelIds: ['WH-7'] }\n`,
        ),
      ),
    ).locations
    expect(good.names).toEqual(['default', 'east', 'west'])
    expect(good.resolve('WH-7')).toBe('west')
    expect(good.resolve('east')).toBe('east')
    expect(good.resolve('WH-8')).toBeUndefined()
    expect(loadConfig({}).locations.names).toEqual(['default'])
    const bad = file(
      'bad-locations.yaml',
      `${accounts}locations:\n  - East\n  - east\n  - east\n  - { name: a, channelIds: [X] }\n  - { name: b, channelIds: [X] }\n`,
    )
    expect(problemsOf(env(bad))).toEqual([
      expect.stringMatching(/^locations\[0\]: lower-case/),
      'locations[2]: duplicate location "east"',
      'locations[4].channelIds: "X" is already a channel id of location "a"',
    ])
  })

  it('names every bad field of the accounts file at once', () => {
    const path = file(
      'bad.yaml',
      `accounts:
  - channel: shopify
    id: good
    webhookSecrets: [{ env: MISSING_SECRET }]
  - channel: ebay
    id: x
  - channel: amazon
    id: us
  - channel: shopify
    id: good
    webhookSecrets: [s]
  - channel: shopify
    id: Bad Id
    webhookSecrets: []
    shopDomain: acme.com
    extra: true
`,
    )
    expect(problemsOf({ HUB_CONFIG: path })).toEqual([
      'accounts[0].webhookSecrets[0]: environment variable MISSING_SECRET is not set',
      expect.stringMatching(/^accounts\[1\]\.channel: /),
      // Each channel's own credentials schema names what is missing.
      expect.stringMatching(/^accounts\[2\]\.sellerId: /),
      expect.stringMatching(/^accounts\[2\]\.marketplaceIds: /),
      expect.stringMatching(/^accounts\[2\]\.lwa: /),
      'accounts[3].id: duplicate shopify account "good"',
      expect.stringMatching(/^accounts\[4\]\.id: lower-case letters/),
      'ADMIN_TOKEN: required when HUB_CONFIG is set (admin routes are never anonymous)',
    ])
  })

  it('names every bad credential field of an account', () => {
    const path = file(
      'creds.yaml',
      `accounts:
  - channel: shopify
    id: acme
    webhookSecrets: []
    shopDomain: acme.com
    extra: true
`,
    )
    expect(problemsOf({ HUB_CONFIG: path, ADMIN_TOKEN: 'a-long-enough-admin-token' })).toEqual([
      'accounts[0].webhookSecrets: list at least one secret',
      'accounts[0].shopDomain: must look like my-store.myshopify.com',
      expect.stringMatching(/^accounts\[0\]: Unrecognized key: "extra"/),
    ])
  })

  it('reports an unreadable accounts file', () => {
    expect(
      problemsOf({ HUB_CONFIG: join(dir, 'nope.yaml'), ADMIN_TOKEN: 'a-long-enough-admin-token' }),
    ).toEqual([expect.stringMatching(/^HUB_CONFIG: cannot read .*nope\.yaml/)])
  })

  it('reads the admin-origin and subscriber allow-lists, naming each bad entry', () => {
    const config = loadConfig({
      ADMIN_ALLOWED_ORIGINS: 'https://ops.example.com, http://127.0.0.1:8080/',
      SUBSCRIBER_ALLOWED_HOSTS: 'oms.internal,10.20.0.0/16, fd12::/16,192.168.1.7',
    })
    expect(config.admin.allowedOrigins).toEqual([
      'https://ops.example.com',
      'http://127.0.0.1:8080',
    ])
    expect(config.delivery.subscriberAllow).toEqual({
      hosts: ['oms.internal'],
      networks: ['10.20.0.0/16', 'fd12::/16', '192.168.1.7'],
    })
    expect(
      problemsOf({
        ADMIN_ALLOWED_ORIGINS: 'https://ops.example.com/path,ops.example.com',
        SUBSCRIBER_ALLOWED_HOSTS: '10.0.0.0/33,http://oms.internal,ok.example',
        AUTH_FAILURE_LIMIT: '0',
      }),
    ).toEqual([
      expect.stringMatching(/^SUBSCRIBER_ALLOWED_HOSTS: 10\.0\.0\.0\/33: not a host name/),
      expect.stringMatching(/^SUBSCRIBER_ALLOWED_HOSTS: http:\/\/oms\.internal: not a host/),
      expect.stringMatching(/^ADMIN_ALLOWED_ORIGINS: https:\/\/ops\.example\.com\/path: must be/),
      expect.stringMatching(/^ADMIN_ALLOWED_ORIGINS: ops\.example\.com: must be/),
      expect.stringMatching(/^AUTH_FAILURE_LIMIT: /),
    ])
  })

  it('takes the public URL from HUB_PUBLIC_URL, normalized, or builds it from PORT', () => {
    const publicUrl = (env: Record<string, string>) => loadConfig(env).http.publicUrl
    expect(publicUrl({})).toBe('http://localhost:3000')
    expect(publicUrl({ PORT: '8080' })).toBe('http://localhost:8080')
    expect(publicUrl({ HUB_PUBLIC_URL: 'https://Hub.Example.com/' })).toBe(
      'https://hub.example.com',
    )
    expect(publicUrl({ HUB_PUBLIC_URL: 'https://example.com:8443/hub//' })).toBe(
      'https://example.com:8443/hub',
    )
    for (const bad of [
      'hub.example.com',
      'ftp://hub.example.com',
      'https://hub.example.com/?env=prod',
      'https://hub.example.com/#top',
      'https://hub.example.com?',
      'https://user:secret@hub.example.com',
    ]) {
      expect(problemsOf({ HUB_PUBLIC_URL: bad }), bad).toEqual([
        'HUB_PUBLIC_URL: must be an http(s) URL without credentials, query or fragment, e.g. https://hub.example.com',
      ])
    }
  })

  it('turns tracing on with an OTLP endpoint only, from the standard OpenTelemetry variables', () => {
    expect(loadConfig({}).tracing).toBeUndefined()
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      serviceName: 'marketplace-hub',
      sampler: 'parentbased_always_on',
      samplerArg: 1,
    })
    const own = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://tempo.example.com/otlp/v1/traces',
      OTEL_SERVICE_NAME: 'hub-eu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    }).tracing
    expect(own).toEqual({
      tracesUrl: 'https://tempo.example.com/otlp/v1/traces',
      serviceName: 'hub-eu',
      sampler: 'parentbased_traceidratio',
      samplerArg: 0.25,
    })
    const problems = problemsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_TRACES_SAMPLER: 'sometimes',
      OTEL_TRACES_SAMPLER_ARG: '2',
    })
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_TRACES_SAMPLER',
      'OTEL_TRACES_SAMPLER_ARG',
    ])
  })

  it('keeps data 30 days (audit 365), replays 7, and refuses a retention or a redaction age shorter than the replay window or an export directory it cannot write', () => {
    expect(loadConfig({}).lifecycle).toEqual({
      retentionDays: { inbox: 30, outbox: 30, delivery: 30, stockPush: 30, audit: 365 },
      exportDir: undefined,
      replayWindowDays: 7,
    })
    expect(loadConfig({ PARTITION_EXPORT_DIR: dir }).lifecycle.exportDir).toBe(dir)
    expect(
      problemsOf({
        RETENTION_INBOX_DAYS: '3',
        RETENTION_OUTBOX_DAYS: '6',
        REPLAY_WINDOW_DAYS: '7',
        PII_REDACT_AFTER_DAYS: '5',
        PARTITION_EXPORT_DIR: join(dir, 'missing'),
      }),
    ).toEqual([
      'RETENTION_INBOX_DAYS: 3 days is shorter than REPLAY_WINDOW_DAYS (7): messages inside the replay window must still be stored',
      'RETENTION_OUTBOX_DAYS: 6 days is shorter than REPLAY_WINDOW_DAYS (7): messages inside the replay window must still be stored',
      'PII_REDACT_AFTER_DAYS: 5 days is shorter than REPLAY_WINDOW_DAYS (7): messages inside the replay window must keep their bodies (0 turns redaction off)',
      `PARTITION_EXPORT_DIR: ${join(dir, 'missing')} does not exist`,
    ])
    expect(loadConfig({}).maintenance.piiRedactAfterDays).toBe(14)
    expect(loadConfig({ PII_REDACT_AFTER_DAYS: '0' }).maintenance.piiRedactAfterDays).toBe(0)
    expect(problemsOf({ PARTITION_EXPORT_DIR: file('not-a-dir', '') })).toEqual([
      expect.stringMatching(/^PARTITION_EXPORT_DIR: .* is not a directory$/),
    ])
  })

  it('lets the command line choose the role', () => {
    expect(loadConfig({ ROLE: 'all' }, { role: 'worker' }).role).toBe('worker')
  })
})
