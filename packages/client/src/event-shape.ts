import { EVENT_TYPES } from './events.generated.js'

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES)
/** Envelope attributes every event carries as a non-empty string. */
const STRING_ATTRIBUTES = ['id', 'source', 'subject', 'time', 'channel', 'account'] as const

/**
 * Why `value` is not an event this client can type, or undefined when it is one: the envelope's
 * attributes with their JSON types, a `data` object, and a type this client was generated with
 * (an event of a newer type needs a newer client: its `data` would be typed wrongly otherwise).
 * Fields inside `data` are the hub's promise, checked by its own schema before it records them.
 */
export function eventShapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object'
  for (const name of STRING_ATTRIBUTES)
    if (typeof value[name] !== 'string' || value[name] === '')
      return `${name}: not a non-empty string`
  if (value.specversion !== '1.0') return 'specversion: not "1.0"'
  if (typeof value.type !== 'string' || !KNOWN_TYPES.has(value.type))
    return `type: ${JSON.stringify(value.type)} is not an event type this client knows (${EVENT_TYPES.join(', ')})`
  if (!Number.isSafeInteger(value.position) || (value.position as number) < 1)
    return 'position: not a positive integer'
  if (!isObject(value.data)) return 'data: not a JSON object'
  return undefined
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
