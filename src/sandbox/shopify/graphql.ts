/**
 * Just enough GraphQL for the emulator: which of the two operations the hub's client sends a
 * request is (`inventorySetQuantities` with `@idempotent`, or the `inventoryItem` level read),
 * the variables its arguments name, and Shopify's error shapes. Not a GraphQL parser: one root
 * field per document, arguments passed as variables (the hub's client sends them so).
 */
import type { z } from 'zod'

/** A top-level GraphQL error as Shopify answers it. */
export interface GraphqlError {
  readonly message: string
  readonly extensions?: Record<string, unknown>
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
