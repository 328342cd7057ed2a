// Whether the current event JSON Schema only adds to a released one. Two promises are kept:
// - every event valid under the released schema stays valid (events already published, replayed
//   or stored by subscribers): nothing newly required, no type, value set or bound narrowed;
// - a consumer written against the released schema reads every field it knew with the same
//   meaning: no event type or property removed, none made optional, no JSON type changed.
// Added event types, optional properties, enum values and alternatives of the same JSON type are
// fine. Written for the shapes our zod schemas produce (no $ref, oneOf keyed by `type`); the
// libraries that exist compare one direction only, or JSON patches of the text.
import type { SchemaNode } from '../../src/events/schema-node.js'

/** Every way `current` does not only add to `released`, one line each; empty when it only adds. */
export function additiveProblems(released: SchemaNode, current: SchemaNode): string[] {
  const problems: string[] = []
  const now = new Map((current.oneOf ?? []).map((s) => [eventType(s), s]))
  for (const before of released.oneOf ?? []) {
    const type = eventType(before)
    const after = now.get(type)
    if (after) compareNode(before, after, type, problems)
    else problems.push(`${type}: event type removed`)
  }
  return problems
}

function eventType(event: SchemaNode): string {
  return String(event.properties?.type?.const)
}

/** Lower bounds: raising one narrows. Upper bounds: lowering one narrows. */
const LOWER = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems'] as const
const UPPER = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems'] as const
/** Keywords whose value must stay as it was once set (a new one narrows too). */
const FIXED = ['pattern', 'format'] as const

function compareNode(
  before: SchemaNode,
  after: SchemaNode,
  path: string,
  problems: string[],
): void {
  const [was, is] = [jsonTypes(before), jsonTypes(after)]
  if (was.join() !== is.join()) {
    problems.push(`${path}: type changed from ${was.join('|')} to ${is.join('|')}`)
    return
  }
  // Each released alternative must still be allowed, as it was, by one of the current ones.
  for (const old of branches(before)) {
    const found = branches(after).map((candidate) => {
      const own: string[] = []
      compareBranch(old, candidate, path, own)
      return own
    })
    if (!found.some((own) => own.length === 0)) {
      const sameType = branches(after).findIndex(
        (b) => jsonTypes(b).join() === jsonTypes(old).join(),
      )
      problems.push(...found[sameType === -1 ? 0 : sameType]!)
    }
  }
}

function compareBranch(
  before: SchemaNode,
  after: SchemaNode,
  path: string,
  problems: string[],
): void {
  if (before.const !== undefined && after.const !== before.const)
    problems.push(`${path}: const ${JSON.stringify(before.const)} changed`)
  if (before.const === undefined && after.const !== undefined)
    problems.push(`${path}: narrowed to const ${JSON.stringify(after.const)}`)
  if (after.enum && !before.enum && before.const === undefined)
    problems.push(`${path}: narrowed to an enum`)
  const removed = (before.enum ?? []).filter((v) => after.enum && !after.enum.includes(v))
  if (removed.length > 0) problems.push(`${path}: enum values removed: ${removed.join(', ')}`)
  for (const k of LOWER) {
    const [b, a] = [before[k], after[k]] as Array<number | undefined>
    if (a !== undefined && (b === undefined || a > b)) problems.push(`${path}: ${k} raised to ${a}`)
  }
  for (const k of UPPER) {
    const [b, a] = [before[k], after[k]] as Array<number | undefined>
    if (a !== undefined && (b === undefined || a < b))
      problems.push(`${path}: ${k} lowered to ${a}`)
  }
  for (const k of FIXED) {
    if (after[k] !== undefined && after[k] !== before[k]) problems.push(`${path}: ${k} changed`)
  }
  compareObject(before, after, path, problems)
  if (before.items && after.items) compareNode(before.items, after.items, `${path}[]`, problems)
}

function compareObject(
  before: SchemaNode,
  after: SchemaNode,
  path: string,
  problems: string[],
): void {
  for (const [name, was] of Object.entries(before.properties ?? {})) {
    const is = after.properties?.[name]
    if (is) compareNode(was, is, `${path}.${name}`, problems)
    else problems.push(`${path}: property "${name}" removed`)
  }
  const [was, is] = [new Set(before.required ?? []), new Set(after.required ?? [])]
  for (const name of is) if (!was.has(name)) problems.push(`${path}: "${name}" newly required`)
  for (const name of was)
    if (!is.has(name) && after.properties?.[name])
      problems.push(`${path}: "${name}" no longer required`)
  const [open, nowOpen] = [before.additionalProperties, after.additionalProperties]
  if (open !== false && nowOpen === false)
    problems.push(`${path}: no longer allows other properties`)
  if (typeof open === 'object' && typeof nowOpen === 'object')
    compareNode(open, nowOpen, `${path}.*`, problems)
  if (before.propertyNames && after.propertyNames)
    compareNode(before.propertyNames, after.propertyNames, `${path} (names)`, problems)
}

function branches(schema: SchemaNode): readonly SchemaNode[] {
  return schema.anyOf ?? [schema]
}

/** The JSON types a schema allows, sorted; `any` when it does not say. */
function jsonTypes(schema: SchemaNode): string[] {
  const types = branches(schema).flatMap((b) =>
    b.type === undefined ? ['any'] : typeof b.type === 'string' ? [b.type] : [...b.type],
  )
  return [...new Set(types)].sort()
}
