// De-risks the operational kit (ops/) drifting from the hub: alert rules promtool refuses or whose
// own unit tests fail, a dashboard query that does not parse, a metric renamed in src/metrics/
// while a rule or panel still asks for the old name (an alert that can never fire, a panel that
// stays empty), and a runbook_url whose heading in docs/operations.md is gone.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { systemClock } from '../../src/clock.js'
import { createDb, createPool } from '../../src/db/client.js'
import { createMetrics, type Metrics } from '../../src/metrics/index.js'
import { createQueues, type Queues } from '../../src/queues/index.js'
import { headingAnchors } from '../helpers/markdown.js'
import { ensureSystemTool } from '../helpers/system-tool.js'
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from '../services.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const RULES = join(ROOT, 'ops/prometheus/alerts.yml')
const RULE_TESTS = join(ROOT, 'ops/prometheus/alerts.test.yml')
const DASHBOARD = join(ROOT, 'ops/grafana/marketplace-hub.json')

interface AlertRule {
  readonly alert: string
  readonly expr: string
  readonly annotations: Record<string, string>
}
interface Panel {
  readonly title: string
  readonly targets?: readonly { readonly expr: string }[]
}

const alertRules = (): AlertRule[] =>
  (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: AlertRule[] }[] }).groups.flatMap(
    (g) => g.rules,
  )

/** Every PromQL query of the dashboard, by panel title. */
const dashboardQueries = (): { panel: string; expr: string }[] =>
  (JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] }).panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
  )

/** Runs promtool. If it cannot run, the test fails rather than skipping: the rules would go unchecked. */
function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { encoding: 'utf8' })
  if (run.error)
    throw new Error(
      `promtool could not run (${run.error.message}); see scripts/install-promtool.sh`,
    )
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

/** The hub's metric names in the registry `/metrics` renders, with the series names each yields. */
function seriesNames(metrics: Metrics): Set<string> {
  const names = new Set<string>()
  for (const m of metrics.registry.getMetricsAsArray()) {
    const { name, type } = m as unknown as { name: string; type: string }
    names.add(name)
    // A histogram or summary is scraped as these series (https://prometheus.io/docs/concepts/metric_types/).
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s)
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s)
  }
  return names
}

/** The hub metric names a PromQL query reads (all of the hub's start with `hub_`). */
const metricNamesIn = (expr: string): string[] => expr.match(/\bhub_[a-z0-9_]+\b/g) ?? []

// Before any test: both the rules' and the dashboard's checks run promtool.
beforeAll(() => ensureSystemTool('promtool', 'install-promtool.sh'), 180_000)

describe('Prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    const run = promtool('check', 'rules', RULES)
    expect(run.output).toContain('SUCCESS')
    expect(run.status).toBe(0)
  })

  // promtool evaluates every rule over each test's series: 1-2 s alone, past the default 5 s on a
  // machine busy with the integration files (seen in full runs).
  it('pass their promtool unit tests', () => {
    const run = promtool('test', 'rules', RULE_TESTS)
    expect(run.output).toContain('SUCCESS')
    expect(run.status).toBe(0)
  }, 30_000)

  it('each have a unit test that fires it', () => {
    const tests = parse(readFileSync(RULE_TESTS, 'utf8')) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[]
    }
    const fired = new Set(
      tests.tests.flatMap((t) =>
        t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
      ),
    )
    expect(alertRules().filter((r) => !fired.has(r.alert))).toEqual([])
  })

  it('each link to their own runbook heading in docs/operations.md', () => {
    const anchors = headingAnchors(readFileSync(join(ROOT, 'docs/operations.md'), 'utf8'))
    const wrong = alertRules()
      .map((r) => ({ alert: r.alert, url: r.annotations.runbook_url }))
      .filter(
        ({ alert, url }) =>
          url !== `docs/operations.md#${alert.toLowerCase()}` || !anchors.has(alert.toLowerCase()),
      )
    expect(wrong).toEqual([])
  })
})

describe('Grafana dashboard', () => {
  it('has queries promtool parses', () => {
    // promtool parses PromQL only in rule files: each query becomes a recording rule, with
    // Grafana's $__rate_interval as the interval it stands for.
    const dir = mkdtempSync(join(tmpdir(), 'hub-dashboard-'))
    try {
      const rules = dashboardQueries().map(({ expr }, i) => ({
        record: `dashboard:query_${i}`,
        expr: expr.replaceAll('$__rate_interval', '5m'),
      }))
      const file = join(dir, 'dashboard-queries.yml')
      writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }))
      const run = promtool('check', 'rules', file)
      expect(run.output).toContain(`SUCCESS: ${rules.length} rules found`)
      expect(run.status).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reads its data from the Prometheus datasource variable', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      templating: { list: { name: string; type: string; query: string }[] }
      panels: (Panel & { type: string; datasource?: { uid: string } })[]
    }
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    )
    const elsewhere = dashboard.panels.filter(
      (p) => p.type !== 'row' && p.datasource?.uid !== '${datasource}',
    )
    expect(elsewhere.map((p) => p.title)).toEqual([])
  })
})

describe('metrics named in ops/', () => {
  let redis: Redis
  let queues: Queues
  let metrics: Metrics
  const db = createDb(createPool({ url: TEST_PG_ADMIN_URL, poolMax: 1, connectTimeoutMs: 5_000 }))

  beforeAll(() => {
    // The registry the hub builds (src/deps.ts), with an account that has order sync, so the
    // completeness gauges are registered too. Only the metrics' names are read: nothing is
    // scraped, so nothing is queried.
    redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 })
    const prefix = 'hubt-ops-kit'
    queues = createQueues(
      redis,
      {
        prefix,
        tagEachQueue: false,
        normalizeAttempts: 1,
        deliveryAttempts: 1,
        deliveryBackoffBaseMs: 1,
        stockPushAttempts: 1,
        stockAccounts: [],
      },
      () => undefined,
    )
    metrics = createMetrics({
      db,
      queues,
      clock: systemClock,
      redis,
      prefix,
      orderAccounts: [{ channel: 'amazon', id: 'eu' }],
    })
  })

  afterAll(async () => {
    await queues.close()
    redis.disconnect()
    await db.destroy()
  })

  it('exist in the hub: every alert rule', () => {
    const known = seriesNames(metrics)
    const unknown = alertRules().flatMap((r) =>
      metricNamesIn(r.expr)
        .filter((name) => !known.has(name))
        .map((name) => `${r.alert}: ${name}`),
    )
    expect(unknown).toEqual([])
  })

  it('exist in the hub: every dashboard query', () => {
    const known = seriesNames(metrics)
    const unknown = dashboardQueries().flatMap(({ panel, expr }) =>
      metricNamesIn(expr)
        .filter((name) => !known.has(name))
        .map((name) => `${panel}: ${name}`),
    )
    expect(unknown).toEqual([])
  })

  it('exist in the hub: every series of the rules unit tests', () => {
    const known = seriesNames(metrics)
    expect(
      metricNamesIn(readFileSync(RULE_TESTS, 'utf8')).filter((name) => !known.has(name)),
    ).toEqual([])
  })
})
