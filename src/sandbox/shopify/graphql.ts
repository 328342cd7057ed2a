/**
 * Shopify's own (the other channels' APIs are REST): just enough GraphQL for the emulator. Which
 * of the two operations the hub's client sends a request is (`inventorySetQuantities` with
 * `@idempotent`, or the `inventoryItem` level read), the variables its arguments name, and the
 * shapes of Shopify's GraphQL answers: top-level errors, and the `extensions.cost` every answer
 * carries (channels.md §1 B2). Not a GraphQL parser: one root field per document, arguments
 * passed as variables (the hub's client sends them so).
 */
import type { z } from 'zod'

/** A top-level GraphQL error as Shopify answers it. */
export interface GraphqlError {
  readonly message: string
  /** The field path the error is about, where Shopify names one. */
  readonly path?: readonly string[]
  readonly extensions?: Record<string, unknown>
}

/** What an operation answers: `data`, or top-level errors (nothing done). */
export type Resolved =
  { readonly data: Record<string, unknown> } | { readonly errors: readonly GraphqlError[] }

/** The store's cost bucket as every answer reports it (`extensions.cost.throttleStatus`). */
export interface ThrottleStatus {
  readonly maximumAvailable: number
  readonly currentlyAvailable: number
  /** Points restored per second. */
  readonly restoreRate: number
}

/** A GraphQL answer's body: what the operation resolved to, and what it cost. */
export function answerBody(resolved: Resolved, cost: number, throttleStatus: ThrottleStatus) {
  return {
    ...resolved,
    extensions: {
      cost: { requestedQueryCost: cost, actualQueryCost: cost, throttleStatus },
    },
  }
}

/**
 * Shopify's THROTTLED answer: nothing ran, so `actualQueryCost` is null, and the bucket reported
 * is the one that could not pay `cost` (samples: https://community.shopify.com/t/graphql-admin-api-example-throttled-requests-response/8456,
 * https://gist.github.com/lacom/56e3834834e250270062583f425274b9).
 */
export function throttledBody(cost: number, throttleStatus: ThrottleStatus) {
  const error: GraphqlError = {
    message: 'Throttled',
    extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
  }
  return {
    errors: [error],
    extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus } },
  }
}

export type Operation =
  | {
      readonly kind: 'set'
      /** The variable `input:` names. */
      readonly inputVariable: string
      /** The `@idempotent(key:)` value, from its variable or literal; undefined when absent. */
      readonly idempotencyKey: unknown
    }
  | { readonly kind: 'read'; readonly itemVariable: string; readonly locationVariable: string }

export function operationOf(
  query: string,
  variables: Readonly<Record<string, unknown>>,
): Operation | GraphqlError {
  const text = query.replace(/#[^\n]*/g, '')
  const head = /^\s*(?:(mutation|query)\b[^{]*)?\{\s*(\w+)/.exec(text)
  if (!head)
    return { message: 'Parse error: expected an operation', extensions: { code: 'parseError' } }
  const [, type = 'query', field] = head
  const root = type === 'mutation' ? 'Mutation' : 'QueryRoot'
  if (type === 'mutation' && field === 'inventorySetQuantities') {
    const input = /inventorySetQuantities\s*\(\s*input\s*:\s*\$(\w+)\s*\)/.exec(text)
    if (!input) return emulatorLimit('pass `input` as a variable')
    const key = /@idempotent\s*\(\s*key\s*:\s*(?:\$(\w+)|"([^"\\]*)")\s*\)/.exec(text)
    return {
      kind: 'set',
      inputVariable: input[1]!,
      idempotencyKey: key ? (key[1] !== undefined ? variables[key[1]] : key[2]) : undefined,
    }
  }
  if (type === 'query' && field === 'inventoryItem') {
    const item = /inventoryItem\s*\(\s*id\s*:\s*\$(\w+)\s*\)/.exec(text)
    const location = /inventoryLevel\s*\(\s*locationId\s*:\s*\$(\w+)\s*\)/.exec(text)
    if (
      !item ||
      !location ||
      !/quantities\s*\(\s*names\s*:\s*\[\s*"available"\s*\]\s*\)/.test(text)
    ) {
      return emulatorLimit(
        'read inventoryItem(id: $var) { inventoryLevel(locationId: $var) { quantities(names: ["available"]) } }',
      )
    }
    return { kind: 'read', itemVariable: item[1]!, locationVariable: location[1]! }
  }
  return {
    message: `Field '${field}' doesn't exist on type '${root}'`,
    extensions: { code: 'undefinedField', typeName: root, fieldName: field },
  }
}

function emulatorLimit(what: string): GraphqlError {
  return {
    message: `The emulator serves only the hub's requests: ${what}`,
    extensions: { code: 'BAD_REQUEST' },
  }
}

/** Shopify's refusal of a variable whose value does not fit its input type. */
export function invalidVariable(
  name: string,
  type: string,
  value: unknown,
  issues: readonly z.core.$ZodIssue[],
): GraphqlError {
  const problems = issues.map((issue) => ({
    path: issue.path.map(String),
    explanation: issue.message,
  }))
  const first = problems[0]
  return {
    message: `Variable $${name} of type ${type} was provided invalid value${first ? ` for ${first.path.join('.')} (${first.explanation})` : ''}`,
    extensions: { value, problems },
  }
}
