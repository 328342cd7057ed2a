import type { Child } from 'hono/jsx'
import { Flash, Page, SearchForm } from '../layout.js'

/** A page saying what was not found (404) or what was wrong with a search (400). */
export function NotFoundPage(props: { readonly title: string; readonly children?: Child }) {
  return (
    <Page title={props.title}>
      <section class="card" data-testid="not-found">
        {props.children}
      </section>
    </Page>
  )
}

/** The search box again, its problem beside it. */
export function SearchProblemPage(props: { readonly q: string; readonly error: string }) {
  return (
    <Page title="Search">
      <section class="card" data-testid="search-problem">
        <SearchForm value={props.q} error={props.error} />
      </section>
    </Page>
  )
}

/** Several orders have the id searched for (one per account): a link to each. */
export function SearchResultsPage(props: {
  readonly q: string
  readonly links: readonly { readonly href: string; readonly label: string }[]
}) {
  return (
    <Page title={`Search: ${props.q}`}>
      <section class="card" data-testid="search-results">
        <ul>
          {props.links.map((l) => (
            <li>
              <a href={l.href}>{l.label}</a>
            </li>
          ))}
        </ul>
      </section>
    </Page>
  )
}

/** An action's result: the flash message with its outcome, and the way back. */
export function ResultPage(props: {
  readonly title: string
  readonly ok: boolean
  readonly children?: Child
}) {
  return (
    <Page title={props.title}>
      <Flash ok={props.ok}>{props.children}</Flash>
      <p>
        <a href="/console" data-testid="back">
          Back to the overview
        </a>
      </p>
    </Page>
  )
}
