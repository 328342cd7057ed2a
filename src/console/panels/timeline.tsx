import { stamp } from '../format.js'

/** One thing that happened to an order or a SKU, as a timeline shows it. */
export interface TimelineEntry {
  readonly at: Date
  /** What kind of step: webhook, normalization, event, delivery, reservation, push, report … */
  readonly kind: string
  readonly summary: string
  readonly links: readonly { readonly label: string; readonly href: string }[]
}

/**
 * An order's or a SKU's history, oldest first. The detail pages pass an empty list for now: the
 * lineage module (issue #18's history endpoints) is what fills it.
 */
export function Timeline(props: { readonly entries: readonly TimelineEntry[] }) {
  return (
    <section class="card" data-testid="timeline">
      <h2>Timeline</h2>
      {props.entries.length === 0 ? (
        <p class="muted" data-testid="timeline-empty">
          No history to show yet.
        </p>
      ) : (
        <ol class="timeline">
          {props.entries.map((e) => (
            <li data-testid="timeline-entry" data-kind={e.kind}>
              <time datetime={e.at.toISOString()}>{stamp(e.at)}</time> <strong>{e.kind}</strong>{' '}
              {e.summary}{' '}
              {e.links.map((l) => (
                <a href={l.href}>{l.label}</a>
              ))}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
