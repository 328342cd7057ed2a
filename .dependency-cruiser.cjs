// The hub's layers as an allow-list (STYLE.md §0: "layers say what they may import"). Every import
// must match one `allowed` rule below or `npm run deps` (and test/architecture/layers.test.ts)
// fails, so a new folder without a rule fails too: a new layer is a decision written here, not a
// gap. Paths are relative to the repository root; `$1` in a `to` path is what `from` captured.
// docs/development.md ("Layers") has the same table in short: change both together.

/** An npm package's files, wherever node_modules sits (a checkout's own, or a worktree's link). */
const npm = (...names) => `(^|/)node_modules/(${names.join('|')})/`
/** Node built-ins, which dependency-cruiser names without `node:`. */
const core = (...names) => `^(${names.join('|')})$`

const EVENTS = '^src/events/'
// Leaves every layer but the contract may use: they import no app code (their own rule says so).
const LEAVES = '^src/(clock|errors|issues|json|logger|redis-client|storable|timeout)\\.ts$'
const OUTBOUND = '^src/outbound/'
// What outside code may see of connectors: the registry, and a channel's own index.ts.
const CONNECTORS = '^connectors/index\\.ts$'
const CHANNEL_INDEX = '^connectors/(?!shared/)[^/]+/index\\.ts$'
// The part of connectors every channel shares: helpers and the contract.
const CONNECTORS_COMMON = '^connectors/(shared/|types\\.ts$)'
const NORMALIZERS = '^normalizers/index\\.ts$'
const COMPOSITION = ['^src/(main|commands|deps)\\.ts$', '^src/cli/']
// The shared conformance suites are test code that the channels' test files call.
const TESTS = [
  '\\.test\\.ts$',
  '^test/',
  '^packages/[^/]+/test/',
  '^connectors/conformance\\.ts$',
  '^src/sandbox/conformance\\.ts$',
]

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle makes its modules one unit that can be neither loaded nor tested alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      comment:
        'A module that imports nothing and that nothing imports is dead code (or an entry point ' +
        'nobody wired up): delete it or use it.',
      severity: 'error',
      from: { orphan: true, pathNot: '\\.d\\.ts$' },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import the cruiser cannot resolve is one no rule can judge: fix the path (or teach ' +
        'the resolver below) rather than let it pass unchecked.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-dev-deps-in-production',
      comment:
        'The image installs no devDependencies (npm ci --omit=dev): production code importing one ' +
        'starts on a laptop and crashes deployed. Kept apart from the allow-list so that naming ' +
        'a dev package in a layer below still fails, with this reason.',
      severity: 'error',
      from: { path: '^(src|connectors|normalizers|workers)/', pathNot: TESTS },
      to: { dependencyTypes: ['npm-dev'] },
    },
  ],

  allowedSeverity: 'error',
  allowed: [
    {
      comment:
        'Pure helpers any layer may use: zod, and the Node built-ins that compute without ' +
        'touching a file, socket or process.',
      from: {},
      to: { path: [npm('zod'), core('crypto', 'util', 'buffer', 'url')] },
    },

    // ── Contract and leaves ───────────────────────────────────────────────────────────────
    {
      comment:
        'src/events is the public event contract (and its JSON Schema): nothing but zod, so a ' +
        'consumer or the schema never drags in hub internals.',
      from: { path: EVENTS },
      to: { path: EVENTS },
    },
    {
      comment:
        'Leaves (clock, errors, issues, json, logger, redis-client, storable, timeout) import no ' +
        'app code, which is what lets every layer use them without a cycle.',
      from: { path: LEAVES },
      to: { path: npm('pino', 'lossless-json', 'ioredis') },
    },
    {
      comment:
        'src/outbound is the one guarded way out to the internet (transport, Retry-After, ' +
        'destination guard), used by connectors and subscriber delivery alike: undici and DNS ' +
        'live here and nowhere else in production code.',
      from: { path: OUTBOUND },
      to: { path: [OUTBOUND, LEAVES, npm('undici'), core('dns', 'net')] },
    },

    // ── Connectors: verification and channel API clients, no app I/O ──────────────────────
    {
      comment:
        'The shared helpers and the contract (types.ts) serve every channel, so they know none. ' +
        'HTTP goes through the injected transport (src/outbound), never a socket of its own. ' +
        "`async_hooks` carries a call's lane (lanes.ts) down the async chain.",
      from: { path: CONNECTORS_COMMON },
      to: { path: [CONNECTORS_COMMON, EVENTS, LEAVES, OUTBOUND, core('async_hooks')] },
    },
    {
      comment:
        'A channel folder sees its own files, the shared helpers and the contract: never another ' +
        'channel (a fix to one must not change another), never a queue, the outbox or the database.',
      from: { path: '^connectors/(?!shared/)([^/]+)/' },
      to: { path: ['^connectors/$1/', CONNECTORS_COMMON, EVENTS, LEAVES, OUTBOUND] },
    },
    {
      comment: 'connectors/index.ts is the registry: every channel, each through its own index.',
      from: { path: CONNECTORS },
      to: { path: [CHANNEL_INDEX, CONNECTORS_COMMON] },
    },

    // ── Normalizers: pure functions from a verified payload to observations ───────────────
    {
      comment:
        'Normalizers are pure: the contract, the connectors registry (types, ChannelApiError) and ' +
        'their shared helpers; no database, queue or network.',
      from: { path: '^normalizers/' },
      to: { path: ['^normalizers/(shared/|types\\.ts$)', EVENTS, LEAVES, CONNECTORS] },
    },
    {
      comment:
        "A channel's normalizer (normalizers/<ch>/) reads its own files and its own channel's " +
        "payload types, from that connector's index only.",
      from: { path: '^normalizers/([^/]+)/' },
      to: { path: ['^normalizers/$1/', '^connectors/$1/index\\.ts$'] },
    },
    {
      comment: 'normalizers/index.ts is the registry over every channel normalizer.',
      from: { path: NORMALIZERS },
      to: { path: '^normalizers/' },
    },

    // ── Storage and queues: the only owners of their drivers ─────────────────────────────
    {
      comment:
        'Migrations are frozen history typed Kysely<any>: kysely and each other only. App code ' +
        'would change what an old migration does when that code changes.',
      from: { path: '^src/db/migrations/' },
      to: { path: ['^src/db/migrations/', npm('kysely')] },
    },
    {
      comment:
        'src/db owns pg and the SQL (schema, repos, migrate); it knows the contract types and the ' +
        'storable-JSON check, nothing above it.',
      from: { path: '^src/db/' },
      to: { path: ['^src/db/', EVENTS, LEAVES, npm('kysely', 'pg')] },
    },
    {
      comment:
        'src/queues owns BullMQ and ioredis. dependency-failure.ts is a pure classifier of ' +
        'connection errors that the Redis watch shares with start-up.',
      from: { path: '^src/queues/' },
      to: {
        path: [
          '^src/queues/',
          '^src/startup/dependency-failure\\.ts$',
          EVENTS,
          LEAVES,
          npm('bullmq', 'ioredis'),
        ],
      },
    },
    {
      comment: 'Start-up waits for PostgreSQL (through src/db) and Redis.',
      from: { path: '^src/startup/' },
      to: { path: ['^src/startup/', '^src/db/', LEAVES, npm('ioredis')] },
    },

    // ── Configuration and small services ─────────────────────────────────────────────────
    {
      comment:
        'src/config reads the environment and the accounts file and knows the configured ' +
        "accounts; it validates credentials with each connector's schema and stock policies " +
        "with the inventory's (policy.ts, pure).",
      from: { path: '^src/config/' },
      to: {
        path: [
          '^src/config/',
          '^src/inventory/policy\\.ts$',
          EVENTS,
          LEAVES,
          OUTBOUND,
          CONNECTORS,
          npm('yaml'),
          core('fs'),
        ],
      },
    },
    {
      comment: 'Which events a subscription wants: a function of the contract alone.',
      from: { path: '^src/subscriptions/' },
      to: { path: ['^src/subscriptions/', EVENTS, LEAVES] },
    },
    {
      comment:
        'Subscriber delivery signs and sends through src/outbound, under the configured ' +
        'destination policy. It is not a connector and imports none.',
      from: { path: '^src/delivery/' },
      to: { path: ['^src/delivery/', '^src/config/', OUTBOUND, LEAVES] },
    },
    {
      comment: 'Metrics read the database and the queues; only callers depend on them.',
      from: { path: '^src/metrics/' },
      to: {
        path: [
          '^src/metrics/',
          '^src/db/',
          '^src/queues/',
          LEAVES,
          npm('prom-client', 'kysely', 'ioredis'),
        ],
      },
    },

    {
      comment:
        "The API budget keeps each account's rate-limit buckets in Redis for every process and " +
        'hands connectors their gates (the registry: RateGate, lanes, ChannelApiError); it counts ' +
        'into the metrics it shares with /metrics.',
      from: { path: '^src/budget/' },
      to: {
        path: ['^src/budget/', '^src/metrics/', EVENTS, LEAVES, CONNECTORS, npm('ioredis')],
      },
    },

    {
      comment:
        'src/tracing owns the OpenTelemetry SDK (a tracer provider only while tracing is ' +
        'configured) and the W3C trace context carried with the work; the push causes it keeps ' +
        'in Redis. It reads the tracing settings of src/config, and knows no step.',
      from: { path: '^src/tracing/' },
      to: {
        path: [
          '^src/tracing/',
          '^src/config/',
          LEAVES,
          npm('@opentelemetry/[^/]+', 'ioredis'),
          // createRequire: the SDK is loaded only when tracing is on.
          core('module'),
        ],
      },
    },

    // ── Domain: the outbox below inventory and orders ────────────────────────────────────
    {
      comment:
        "The outbox appends events in the caller's transaction and elects the relay leader (a " +
        'LISTEN on its own pg client); it knows no step, queue or inventory rule.',
      from: { path: '^src/outbox/' },
      to: { path: ['^src/outbox/', '^src/db/', EVENTS, LEAVES, npm('kysely', 'pg'), core('os')] },
    },
    {
      comment:
        'Inventory (ledger, reservations, policy) writes its events through the outbox and ' +
        "checks listings against the configured accounts and each connector's unit schema.",
      from: { path: '^src/inventory/' },
      to: {
        path: [
          '^src/inventory/',
          '^src/(outbox|db|config)/',
          EVENTS,
          LEAVES,
          CONNECTORS,
          npm('kysely'),
        ],
      },
    },
    {
      comment: 'Orders: snapshot diffs into event drafts, and the reservations they imply.',
      from: { path: '^src/orders/' },
      to: {
        path: ['^src/orders/', '^src/(inventory|outbox|db)/', EVENTS, LEAVES, npm('kysely')],
      },
    },

    // ── The pipeline's steps, and the operator's use of them ────────────────────────────
    {
      comment:
        'The pipeline (receive, normalize, relay, deliver, push stock) composes the layers below ' +
        'and reaches connectors and normalizers through their registries only. It never imports ' +
        'admin, HTTP or workers: they call it.',
      from: { path: '^src/pipeline/' },
      to: {
        path: [
          '^src/pipeline/',
          '^src/(db|queues|outbox|inventory|orders|delivery|metrics|config|subscriptions|tracing)/',
          EVENTS,
          LEAVES,
          OUTBOUND,
          CONNECTORS,
          NORMALIZERS,
          npm('kysely'),
          // fs, path, streams and zlib: the data lifecycle writes partitions to PARTITION_EXPORT_DIR.
          core('tls', 'events', 'fs', 'fs/promises', 'path', 'stream/promises', 'zlib'),
        ],
      },
    },
    {
      comment:
        "Admin (inbox search, replays, erasures) is an operator's use of the pipeline: it calls the " +
        'normalize step, and the pipeline never calls back.',
      from: { path: '^src/admin/' },
      to: {
        path: [
          '^src/admin/',
          '^src/(pipeline|db|queues|outbox|orders)/',
          EVENTS,
          LEAVES,
          CONNECTORS,
          NORMALIZERS,
          npm('kysely'),
        ],
      },
    },

    {
      comment:
        "Lineage reads an order's or a SKU's history across the tables the pipeline writes, and " +
        "explains a listing's quantity with the push's own planning code (plan-push.ts); it " +
        'changes nothing, and nothing below HTTP calls it.',
      from: { path: '^src/lineage/' },
      to: {
        path: [
          '^src/lineage/',
          '^src/(pipeline|db|inventory|config)/',
          EVENTS,
          LEAVES,
          npm('kysely'),
        ],
      },
    },

    // ── Edges: HTTP, workers, the emulator ───────────────────────────────────────────────
    {
      comment:
        'HTTP routes turn requests into pipeline, admin and repository calls; Bull Board needs ' +
        'the BullMQ queues, the health check the Redis client. @hono/zod-openapi declares the ' +
        "routes and builds /openapi.json; the docs page reads swagger-ui-dist's files from disk.",
      from: { path: '^src/http/' },
      to: {
        path: [
          '^src/http/',
          '^src/(admin|lineage|pipeline|db|queues|inventory|delivery|subscriptions|metrics|config|tracing)/',
          '^src/console/index\\.tsx$',
          EVENTS,
          LEAVES,
          OUTBOUND,
          CONNECTORS,
          npm(
            'hono',
            '@hono/node-server',
            '@hono/zod-openapi',
            '@bull-board/[^/]+',
            'bullmq',
            'ioredis',
            'kysely',
            'swagger-ui-dist',
          ),
          core('http', 'net', 'fs/promises', 'path'),
        ],
      },
    },
    {
      comment:
        "The operator's console: server-rendered pages (hono JSX) and two-step actions over the " +
        'same admin, lineage, pipeline and repository functions as the admin API, and the metrics ' +
        "registry's counters. Of src/http it names the request env type and the audit log's " +
        'actor rule only; the app (src/http/app.ts) mounts it through its index.',
      from: { path: '^src/console/' },
      to: {
        path: [
          '^src/console/',
          '^src/(admin|lineage|pipeline|db|metrics|queues|config)/',
          '^src/http/(env|middleware/audit)\\.ts$',
          EVENTS,
          LEAVES,
          npm('hono', 'kysely', 'prom-client'),
        ],
      },
    },
    {
      comment:
        'Workers decode a job, call one step and settle the job (their logs name its trace).',
      from: { path: '^workers/' },
      to: {
        path: [
          '^workers/',
          '^src/(pipeline|admin|outbox|inventory|queues|metrics|config|tracing)/',
          LEAVES,
          CONNECTORS,
          npm('bullmq', 'ioredis'),
        ],
      },
    },
    {
      comment:
        'The edges may name the type of the dependency bag they are handed, never build it ' +
        '(src/deps.ts imports everything).',
      from: { path: ['^src/http/', '^src/console/', '^workers/'] },
      to: { path: '^src/deps\\.ts$', dependencyTypes: ['type-only'] },
    },
    {
      comment:
        'The marketplace emulator is a hono app of its own: its shared files and the contract. ' +
        'client-address.ts is a hono helper that imports no app code; lossless-json writes ' +
        'answers whose ids are beyond 2^53 as the channels do.',
      from: { path: '^src/sandbox/' },
      to: {
        path: [
          '^src/sandbox/[^/]+\\.ts$',
          '^src/http/client-address\\.ts$',
          EVENTS,
          LEAVES,
          npm('hono', '@hono/node-server', 'undici', 'lossless-json'),
        ],
      },
    },
    {
      comment:
        "A channel's emulator sees its own folder and its own connector's index (the protocol " +
        'facts it must agree with), never connector internals.',
      from: { path: '^src/sandbox/([^/]+)/' },
      to: { path: ['^src/sandbox/$1/', '^connectors/$1/index\\.ts$'] },
    },
    {
      comment: "The emulator's top-level files register every channel's emulator.",
      from: { path: '^src/sandbox/[^/]+\\.ts$' },
      to: { path: ['^src/sandbox/', CHANNEL_INDEX, CONNECTORS] },
    },

    // ── The client package and its example ──────────────────────────────────────────────
    {
      comment:
        'The client package (@marketplace-hub/client) is published on its own: its own files and ' +
        'the two packages its package.json names, never hub code (its event types are generated ' +
        'from the JSON Schema, not imported from src/events).',
      from: { path: '^packages/client/src/' },
      to: { path: ['^packages/client/src/', npm('standardwebhooks', 'eventsource-parser')] },
    },
    {
      comment:
        'The examples are what an OMS would write: the client package (by its name, which the ' +
        'tsconfig paths entry maps to its sources) and Node built-ins, nothing of the hub.',
      from: { path: '^examples/' },
      to: { path: ['^examples/', '^packages/client/src/index\\.ts$'] },
    },
    {
      comment: 'The examples may use any Node built-in (they run servers and write files).',
      from: { path: '^examples/' },
      to: { dependencyTypes: ['core'] },
    },

    // ── Composition, tools, tests ────────────────────────────────────────────────────────
    {
      comment:
        'The composition root (main, commands, deps) and the CLI commands wire everything ' +
        'together: any app module (the rule below adds packages and built-ins).',
      from: { path: COMPOSITION },
      to: { path: '^(src|connectors|normalizers|workers)/', pathNot: TESTS },
    },
    {
      comment:
        'The composition root and the CLI: any production package (never a dev one) and any ' +
        'Node built-in.',
      from: { path: COMPOSITION },
      to: { dependencyTypes: ['npm', 'core'] },
    },
    {
      comment:
        'Benchmarks and scripts are tools run from the repository: any app module and package ' +
        '(dev ones included), never the tests.',
      from: { path: '^(bench|scripts)/' },
      to: { pathNot: TESTS },
    },
    {
      comment:
        'Tests, and the conformance suites they share (connectors, emulator), may reach what ' +
        'they test.',
      from: { path: TESTS },
      to: {},
    },
  ],

  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are coupling too: a normalizer naming a db type depends on the db.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve package subpaths (hono/factory, csv-parse/sync) through their `exports` maps.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
}
