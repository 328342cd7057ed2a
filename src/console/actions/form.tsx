import type { Child } from 'hono/jsx'
import type { FieldErrors, FieldSpec, FormValues } from './action.js'

/**
 * A button that opens an action's review step for one thing (a listing, a message, a
 * subscriber): a form posting that one field, so nothing happens before the operator confirms.
 */
export function ActionButton(props: {
  readonly action: string
  readonly field: string
  readonly value: string
  readonly testid: string
  readonly children: Child
}) {
  return (
    <form method="post" action={`/console/actions/${props.action}`} class="inline">
      <input type="hidden" name={props.field} value={props.value} />
      <button type="submit" data-testid={props.testid}>
        {props.children}
      </button>
    </form>
  )
}

/** An action's form: its fields with what was typed, each problem beside its field. */
export function ActionForm(props: {
  readonly action: string
  readonly fields: readonly FieldSpec[]
  readonly values: FormValues
  readonly errors: FieldErrors
}) {
  const general = Object.entries(props.errors).filter(
    ([name]) => !props.fields.some((f) => f.name === name),
  )
  return (
    <form
      method="post"
      action={`/console/actions/${props.action}`}
      data-testid={`form-${props.action}`}
    >
      {general.map(([name, message]) => (
        <p class="field-error" data-testid={`error-${name}`}>
          {name}: {message}
        </p>
      ))}
      {props.fields.map((f) => {
        const error = props.errors[f.name]
        const id = `field-${f.name}`
        return (
          <div>
            <label for={id}>{f.label}</label>
            {f.options ? (
              <select
                id={id}
                name={f.name}
                data-testid={id}
                aria-invalid={error ? 'true' : undefined}
              >
                {['', ...f.options].map((o) => (
                  <option value={o} selected={props.values[f.name] === o}>
                    {o === '' ? 'any' : o}
                  </option>
                ))}
              </select>
            ) : (
              <input
                type="text"
                id={id}
                name={f.name}
                value={props.values[f.name] ?? ''}
                data-testid={id}
                aria-invalid={error ? 'true' : undefined}
              />
            )}
            {f.hint ? <div class="note">{f.hint}</div> : null}
            {error ? (
              <p class="field-error" data-testid={`error-${f.name}`}>
                {f.name}: {error}
              </p>
            ) : null}
          </div>
        )
      })}
      <p>
        <button type="submit" class="primary" data-testid="review">
          Review…
        </button>
      </p>
    </form>
  )
}

/**
 * The second step: what will happen (`children`), and the same fields with the confirmation token
 * behind a Confirm button. Nothing has been done yet.
 */
export function ConfirmForm(props: {
  readonly action: string
  readonly label: string
  readonly values: FormValues
  readonly token: string
  readonly children?: Child
}) {
  return (
    <section class="card" data-testid="confirmation">
      <h2>What will happen</h2>
      {props.children}
      <form method="post" action={`/console/actions/${props.action}`} data-testid="confirm-form">
        {Object.entries(props.values).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirm" value={props.token} />
        <p>
          <button type="submit" class="danger" data-testid="confirm">
            {props.label}
          </button>{' '}
          <a href="/console" data-testid="cancel">
            Cancel
          </a>
        </p>
      </form>
    </section>
  )
}
