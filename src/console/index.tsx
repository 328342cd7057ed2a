import { Hono, type Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { JSX } from 'hono/jsx/jsx-runtime'
import { getReplayRun } from '../db/repos/replays.js'
import { readItem } from '../db/repos/inventory.js'
import { listListings } from '../db/repos/listings.js'
import { findOrdersById } from '../db/repos/orders.js'
import { ChannelId } from '../events/index.js'
import type { AppEnv } from '../http/env.js'
import { actorOf } from '../http/middleware/audit.js'
import { UNSTORABLE_TEXT, hasUnstorableChar } from '../storable.js'
import { CONSOLE_ACTIONS, type ConsoleAction, type FormValues } from './actions/index.js'
import { ICON } from './assets/icon.js'
import { SCRIPT } from './assets/script.js'
import { STYLESHEET } from './assets/stylesheet.js'
import type { ConsoleDeps } from './deps.js'
import { ActionFormPage, ConfirmPage } from './pages/action.js'
import { NotFoundPage, ResultPage, SearchProblemPage, SearchResultsPage } from './pages/messages.js'
import { OrderPage, loadOrderPage } from './pages/order.js'
import { OverviewPage } from './pages/overview.js'
import { ReplayRunPage } from './pages/replay-run.js'
import { SkuPage, loadSkuPage } from './pages/sku.js'
import { AccountsPanel, loadAccountsPanel } from './panels/accounts.js'
import { ChartsPanel, loadChartsPanel } from './panels/charts.js'
import { PipelinePanel, loadPipelinePanel } from './panels/pipeline.js'
import { StockPanel, loadStockPanel } from './panels/stock.js'
import { CONFIRMATION_TTL_MS, CONSOLE_HEADERS, confirmations, firstUse } from './security.js'
import { shortLived } from './short-lived.js'
import { webhookCounts } from './webhook-counts.js'

export type { ConsoleDeps } from './deps.js'

/** Where the app mounts the console. */
export const CONSOLE_PATH = '/console'

const ASSETS: Readonly<Record<string, { readonly type: string; readonly body: string }>> = {
  'console.css': { type: 'text/css; charset=utf-8', body: STYLESHEET },
  'console.js': { type: 'text/javascript; charset=utf-8', body: SCRIPT },
  // Without an icon of its own a browser asks for /favicon.ico, a 404 on every page.
  'icon.svg': { type: 'image/svg+xml', body: ICON },
}

/** A search is for one SKU or order id, not a document. */
const MAX_QUERY = 200

/**
 * The operator's console (docs/operations.md, "Console"): server-rendered pages, each panel also
 * served alone as a fragment the page's script refreshes, and two-step actions that call the same
 * functions as the admin API. Mounted behind admin authentication, the write guard (same-origin
 * forms only), the body limit and the audit log by the app.
 */
export function consoleRoutes(deps: ConsoleDeps) {
  const app = new Hono<AppEnv>()
  const counts = webhookCounts(deps.metrics.registry)
  const confirm = confirmations(deps.config.admin.token)

  app.use(
    '*',
    createMiddleware<AppEnv>(async (c, next) => {
      await next()
      for (const [name, value] of Object.entries(CONSOLE_HEADERS)) c.header(name, value)
      // Pages show live state and carry confirmation tokens: never from a cache.
      if (!c.req.path.includes('/assets/')) c.header('Cache-Control', 'no-store')
    }),
  )
  for (const [name, asset] of Object.entries(ASSETS)) {
    app.get(`/assets/${name}`, (c) => {
      c.header('Cache-Control', 'private, max-age=300')
      return c.body(asset.body, 200, { 'Content-Type': asset.type })
    })
  }

  // The reads that count every webhook of a window, shared by every open console of this process.
  const accountsData = shortLived(deps.clock, 4_000, () => loadAccountsPanel(deps, counts))
  const chartsData = shortLived(deps.clock, 20_000, () => loadChartsPanel(deps))
  const panels = {
    accounts: async () => <AccountsPanel data={await accountsData()} />,
    pipeline: async () => <PipelinePanel data={await loadPipelinePanel(deps)} />,
    stock: async (c: Context<AppEnv>) => (
      <StockPanel data={await loadStockPanel(deps, c.req.query('sku')?.trim() || undefined)} />
    ),
    charts: async () => <ChartsPanel data={await chartsData()} />,
  }

  app.get('/', async (c) => {
    const [charts, accounts, pipeline, stock] = await Promise.all([
      panels.charts(),
      panels.accounts(),
      panels.pipeline(),
      panels.stock(c),
    ])
    return page(
      c,
      200,
      <OverviewPage charts={charts} accounts={accounts} pipeline={pipeline} stock={stock} />,
    )
  })
  for (const [name, render] of Object.entries(panels)) {
    app.get(`/panels/${name}`, async (c) => fragment(c, await render(c)))
  }

  app.get('/search', async (c) => {
    const q = (c.req.query('q') ?? '').trim()
    if (q === '')
      return page(c, 400, <SearchProblemPage q={q} error="enter a SKU or an order id" />)
    if (q.length > MAX_QUERY)
      return page(c, 400, <SearchProblemPage q="" error={`at most ${MAX_QUERY} characters`} />)
    const [item, listings, orders] = await Promise.all([
      readItem(deps.db, q),
      listListings(deps.db, { sku: q }),
      findOrdersById(deps.db, deps.config.accounts, q),
    ])
    const links = [
      ...(item || listings.length > 0
        ? [{ href: `/console/skus/${encodeURIComponent(q)}`, label: `SKU ${q}` }]
        : []),
      ...orders.map((o) => ({
        href: orderHref(o.channel, o.accountId, o.externalId),
        label: `order ${o.externalId} on ${o.channel}/${o.accountId}`,
      })),
    ]
    if (links.length === 1) return c.redirect(links[0]!.href, 302)
    if (links.length > 1) return page(c, 200, <SearchResultsPage q={q} links={links} />)
    return page(
      c,
      404,
      <NotFoundPage title="Nothing found">
        <p>
          No SKU <strong>{q}</strong> with stock or listings, and no order with this id in any
          configured account.
        </p>
      </NotFoundPage>,
    )
  })

  app.get('/skus/:sku', async (c) => {
    const sku = c.req.param('sku')
    const until = c.req.query('until')
    const end = until === undefined ? undefined : new Date(until)
    if (end && Number.isNaN(end.getTime()))
      return page(
        c,
        400,
        <NotFoundPage title={`SKU ${sku}`}>
          <code>until</code> must be a time (ISO 8601), as the timeline's “Older entries” link
          gives.
        </NotFoundPage>,
      )
    const data = await loadSkuPage(deps, sku, end)
    return data
      ? page(c, 200, <SkuPage data={data} />)
      : page(
          c,
          404,
          <NotFoundPage title={`SKU ${sku}`}>
            No stock, listing or webhook names this SKU.
          </NotFoundPage>,
        )
  })

  app.get('/orders/:channel/:account/:id', async (c) => {
    const { account, id } = c.req.param()
    const channel = ChannelId.safeParse(c.req.param('channel'))
    const data = channel.success
      ? await loadOrderPage(deps, { channel: channel.data, accountId: account, externalId: id })
      : undefined
    return data
      ? page(c, 200, <OrderPage data={data} />)
      : page(
          c,
          404,
          <NotFoundPage title={`Order ${id}`}>
            No order or webhook of this order is stored.
          </NotFoundPage>,
        )
  })

  app.get('/replays/:id', async (c) => {
    const run = await getReplayRun(deps.db, c.req.param('id'))
    return run
      ? page(c, 200, <ReplayRunPage run={run} />)
      : page(c, 404, <NotFoundPage title="Replay run">No such replay run.</NotFoundPage>)
  })

  app.get('/actions/:name', (c) => {
    const action = CONSOLE_ACTIONS.get(c.req.param('name'))
    if (!action) return noSuchAction(c)
    const values = declared(action, c.req.query())
    return page(c, 200, formPage(action, values, {}))
  })

  app.post('/actions/:name', async (c) => {
    const action = CONSOLE_ACTIONS.get(c.req.param('name'))
    if (!action) return noSuchAction(c)
    const body = await c.req.parseBody()
    const values = declared(action, body)
    const token = typeof body.confirm === 'string' ? body.confirm : undefined
    const step = token === undefined ? 'review' : 'confirm'
    const unstorable = Object.keys(values).filter((k) => hasUnstorableChar(values[k]!))
    const checked =
      unstorable.length > 0
        ? {
            ok: false as const,
            errors: Object.fromEntries(unstorable.map((k) => [k, UNSTORABLE_TEXT])),
          }
        : await action.check(deps, values)
    if (!checked.ok) {
      c.set('auditDetails', { console: action.name, step, refused: checked.errors })
      return page(c, 400, formPage(action, values, checked.errors))
    }
    const now = deps.clock.now()
    if (token === undefined) {
      // The first step changes nothing: it shows what the confirmed post will do.
      c.set('auditDetails', { console: action.name, step })
      return page(
        c,
        200,
        <ConfirmPage
          action={action.name}
          title={action.title}
          label={action.confirmLabel}
          values={values}
          token={confirm.issue(action.name, values, now)}
          preview={await action.preview(deps, checked.input)}
        />,
      )
    }
    const refusal =
      confirm.refusal(token, action.name, values, now) ??
      (await firstUse(deps, token, CONFIRMATION_TTL_MS))
    if (refusal) {
      c.set('auditDetails', { console: action.name, step, refused: { confirm: refusal } })
      return page(c, 400, formPage(action, values, { confirm: refusal }))
    }
    const actor = actorOf(c.req.header('authorization'), c.req.header('x-admin-actor'))
    const outcome = await action.perform(deps, checked.input, actor)
    c.set('auditDetails', {
      console: action.name,
      step: 'confirmed',
      ok: outcome.ok,
      ...outcome.audit,
    })
    return page(
      c,
      outcome.status,
      <ResultPage title={action.title} ok={outcome.ok}>
        {outcome.message}
      </ResultPage>,
    )
  })

  return app
}

/** The action's own fields from a query or a form, trimmed; anything else is ignored. */
function declared(
  action: ConsoleAction<unknown>,
  from: Readonly<Record<string, unknown>>,
): FormValues {
  const values: Record<string, string> = {}
  for (const f of action.fields) {
    const v = from[f.name]
    values[f.name] = typeof v === 'string' ? v.trim() : ''
  }
  return values
}

function formPage(
  action: ConsoleAction<unknown>,
  values: FormValues,
  errors: Record<string, string>,
) {
  return (
    <ActionFormPage
      action={action.name}
      title={action.title}
      fields={action.fields}
      values={values}
      errors={errors}
    />
  )
}

function noSuchAction(c: Context<AppEnv>) {
  return page(
    c,
    404,
    <NotFoundPage title="No such action">
      Actions: {[...CONSOLE_ACTIONS.keys()].join(', ')}.
    </NotFoundPage>,
  )
}

function orderHref(channel: string, account: string, id: string): string {
  return `/console/orders/${[channel, account, id].map(encodeURIComponent).join('/')}`
}

async function page(c: Context<AppEnv>, status: 200 | 400 | 404 | 409 | 503, element: JSX.Element) {
  return c.html(`<!DOCTYPE html>${String(await element)}`, status)
}

async function fragment(c: Context<AppEnv>, element: JSX.Element) {
  return c.html(String(await element), 200)
}
