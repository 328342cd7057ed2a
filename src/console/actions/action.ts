import type { Child } from 'hono/jsx'
import type { ConsoleDeps } from '../deps.js'

/** A form's fields as posted, trimmed: only those the action declares. */
export type FormValues = Readonly<Record<string, string>>
/** A message per field name: shown beside the field, and the answer is 400. */
export type FieldErrors = Readonly<Record<string, string>>

export interface FieldSpec {
  readonly name: string
  readonly label: string
  readonly hint?: string
  /** A select with these values ('' = any); absent: a text input. */
  readonly options?: readonly string[]
}

export type Checked<I> =
  { readonly ok: true; readonly input: I } | { readonly ok: false; readonly errors: FieldErrors }

/** What an action did, for its result page (a flash message) and its audit entry. */
export interface Outcome {
  readonly ok: boolean
  /** 200 done; 409 not possible in the current state; 503 try again later. */
  readonly status: 200 | 409 | 503
  readonly message: Child
  readonly audit: Readonly<Record<string, unknown>>
}

/**
 * An operator action of the console, in two steps: `check` the form (every problem names its
 * field) and show what `preview` says will happen with a Confirm button; only the confirmed post
 * runs `perform`. Each step calls the same domain functions as the admin API, never a copy.
 */
export interface ConsoleAction<I> {
  readonly name: string
  readonly title: string
  readonly confirmLabel: string
  readonly fields: readonly FieldSpec[]
  check(deps: ConsoleDeps, values: FormValues): Promise<Checked<I>>
  preview(deps: ConsoleDeps, input: I): Promise<Child>
  perform(deps: ConsoleDeps, input: I, actor: string): Promise<Outcome>
}

/**
 * Types an action's input where it is declared (its `check` makes it, the rest take it); the
 * registry holds every action as `ConsoleAction<unknown>`, each still taking only its own `check`'s
 * input from the runner.
 */
export function defineAction<I>(action: ConsoleAction<I>): ConsoleAction<unknown> {
  return action
}

/** `{ field: message }` from zod-like issues whose first path element names the field. */
export function fieldErrors(
  issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[],
  fallback: string,
): FieldErrors {
  const errors: Record<string, string> = {}
  for (const issue of issues) {
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : fallback
    errors[field] ??= issue.message
  }
  return errors
}
