import type { Child } from 'hono/jsx'
import { clock } from './format.js'

/** How often panels refresh unless the page or the panel says otherwise (`data-refresh-ms`). */
export const DEFAULT_REFRESH_MS = 5_000

/** A whole console page: the stylesheet and script of /console/assets, the search box, `children`. */
export function Page(props: {
  readonly title: string
  readonly children?: Child
  readonly refreshMs?: number
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · marketplace-hub console`}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <link rel="icon" type="image/svg+xml" href="/console/assets/icon.svg" />
        <script src="/console/assets/console.js" defer></script>
      </head>
      <body data-refresh-ms={String(props.refreshMs ?? DEFAULT_REFRESH_MS)}>
        <header class="top">
          <a class="brand" href="/console" data-testid="home">
            marketplace-hub console
          </a>
          <a href="/admin/queues">queues (Bull Board)</a>
          <a href="/console/actions/replay-filter">bulk replay</a>
          <SearchForm />
        </header>
        <main>
          <h1 class="muted" data-testid="page-title">
            {props.title}
          </h1>
          {props.children}
        </main>
      </body>
    </html>
  )
}

/** The search box for a SKU or an order id (`/console/search`). */
export function SearchForm(props: { readonly value?: string; readonly error?: string }) {
  return (
    <form method="get" action="/console/search" role="search" data-testid="search-form">
      <input
        type="search"
        name="q"
        value={props.value ?? ''}
        placeholder="SKU or order id"
        aria-label="SKU or order id"
        aria-invalid={props.error ? 'true' : undefined}
        data-testid="search-input"
      />{' '}
      <button type="submit" data-testid="search-submit">
        Find
      </button>
      {props.error ? (
        <p class="field-error" data-testid="error-q">
          q: {props.error}
        </p>
      ) : null}
    </form>
  )
}

/**
 * A panel of the overview: served inside the page and alone as a fragment at `src`, which the
 * console's script fetches every `refreshMs` to swap the body (`data-panel-body`).
 */
export function Panel(props: {
  readonly name: string
  readonly title: string
  readonly src: string
  readonly now: Date
  readonly refreshMs?: number
  readonly children?: Child
}) {
  return (
    <section
      class="panel"
      data-testid={`panel-${props.name}`}
      data-panel={props.src}
      data-refresh-ms={props.refreshMs === undefined ? undefined : String(props.refreshMs)}
    >
      <header>
        <h2>{props.title}</h2>
        <span class="panel-status" data-panel-status data-testid="panel-status" aria-live="polite">
          updated {clock(props.now)} UTC
        </span>
      </header>
      <div data-panel-body>{props.children}</div>
    </section>
  )
}

/** The outcome of an action, at the top of its result page. */
export function Flash(props: { readonly ok: boolean; readonly children?: Child }) {
  return (
    <div class={props.ok ? 'flash' : 'flash error'} role="status" data-testid="flash">
      {props.children}
    </div>
  )
}
