import type { MessagePrediction, PredictedEvent } from '../../admin/index.js'

/** Diff paths whose values are personal data: shown as changed, never with their values. */
const PERSONAL = /customerEmail|shippingAddress|billingAddress|email|phone|buyer/i

const shown = (path: string, value: unknown) =>
  PERSONAL.test(path) ? '[personal data]' : JSON.stringify(value)

/** What a replay would do with one message, from the dry run (src/admin/replay-preview.ts). */
export function PredictionView(props: { readonly prediction: MessagePrediction }) {
  const p = props.prediction
  if (p.result === 'error')
    return (
      <div data-testid={`prediction-${p.id}`}>
        Message #{p.id}: <span class="bad">the replay would fail: {p.reason}</span>
      </div>
    )
  // The intersection's element type is the plain event's: say which it is.
  const events: readonly PredictedEvent[] = p.newEvents
  return (
    <div data-testid={`prediction-${p.id}`}>
      <p>
        Message #{p.id}: {p.statusBefore} → {p.statusAfter},{' '}
        <strong data-testid="predicted-result">{p.result}</strong>
        {p.reason ? <span class="muted"> ({p.reason})</span> : null}.{' '}
        {events.length === 0
          ? 'No new event (everything it produces is already in the outbox).'
          : `${events.length} new event(s):`}
      </p>
      {events.length === 0 ? null : (
        <ul data-testid="predicted-events">
          {events.map((e) => (
            <li>
              {e.type} {e.subject}
              {e.supersedes === null ? (
                <span class="muted"> (new subject)</span>
              ) : (
                <>
                  {' '}
                  replaces {e.supersedes.type} {e.supersedes.id}:
                  <ul data-testid="diff">
                    {e.supersedes.diff.changed.map((d) => (
                      <li>
                        {d.path}: {shown(d.path, d.before)} → {shown(d.path, d.after)}
                      </li>
                    ))}
                    {e.supersedes.diff.added.map((d) => (
                      <li>
                        + {d.path}: {shown(d.path, d.after)}
                      </li>
                    ))}
                    {e.supersedes.diff.removed.map((d) => (
                      <li>− {d.path}</li>
                    ))}
                    {e.supersedes.diff.changed.length +
                      e.supersedes.diff.added.length +
                      e.supersedes.diff.removed.length ===
                    0 ? (
                      <li class="muted">no change in its data</li>
                    ) : null}
                  </ul>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
