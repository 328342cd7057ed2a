import type { Child } from 'hono/jsx'
import type { FieldErrors, FieldSpec, FormValues } from '../actions/action.js'
import { ActionForm, ConfirmForm } from '../actions/form.js'
import { Page } from '../layout.js'

/** An action's first step: its form, with any problems beside their fields. */
export function ActionFormPage(props: {
  readonly action: string
  readonly title: string
  readonly fields: readonly FieldSpec[]
  readonly values: FormValues
  readonly errors: FieldErrors
}) {
  return (
    <Page title={props.title}>
      <section class="card">
        <ActionForm
          action={props.action}
          fields={props.fields}
          values={props.values}
          errors={props.errors}
        />
      </section>
    </Page>
  )
}

/** An action's second step: what it will do, and the Confirm button. */
export function ConfirmPage(props: {
  readonly action: string
  readonly title: string
  readonly label: string
  readonly values: FormValues
  readonly token: string
  readonly preview: Child
}) {
  return (
    <Page title={`${props.title}: confirm`}>
      <ConfirmForm
        action={props.action}
        label={props.label}
        values={props.values}
        token={props.token}
      >
        {props.preview}
      </ConfirmForm>
    </Page>
  )
}
