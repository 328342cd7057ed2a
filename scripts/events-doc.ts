// docs/events-reference.md, generated from the checked-in JSON Schema: every event type with its
// description, each field's type, whether it is required and what it means, and an example built
// from the schema. scripts/write-events-doc.ts writes it; test/contract/events-reference.test.ts
// fails when the checked-in page is stale or an example is not a valid event.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { dataSchemaPath } from '../src/events/index.js'
import { EVENTS_SCHEMA_PATH } from '../src/events/json-schema.js'
import type { SchemaNode as Schema } from '../src/events/schema-node.js'

export const EVENTS_REFERENCE_PATH = fileURLToPath(
  new URL('../docs/events-reference.md', import.meta.url),
)

interface Field {
  readonly path: string
  readonly schema: Schema
  readonly required: boolean
}

/** Where the example events happened: one fixed instant, so the page is the same every time. */
const EXAMPLE_TIME = '2026-01-15T10:00:00.000Z'
/** The hub's public URL in the examples (HUB_PUBLIC_URL). */
const EXAMPLE_HUB_URL = 'https://hub.example.com'

function loadEvents(): Schema[] {
  return (JSON.parse(readFileSync(EVENTS_SCHEMA_PATH, 'utf8')) as { oneOf: Schema[] }).oneOf
}

const typeName = (event: Schema) => String(event.properties?.type?.const)

/** A schema's own fields and, depth first, theirs: `data.order.lines[].sku`. */
function fieldsOf(schema: Schema, prefix: string): Field[] {
  const required = new Set(schema.required ?? [])
  return Object.entries(schema.properties ?? {}).flatMap(([name, child]) => {
    const path = `${prefix}${name}`
    return [{ path, schema: child, required: required.has(name) }, ...nestedFields(child, path)]
  })
}

function nestedFields(schema: Schema, path: string): Field[] {
  if (schema.anyOf) return schema.anyOf.flatMap((branch) => nestedFields(branch, path))
  if (schema.properties) return fieldsOf(schema, `${path}.`)
  if (schema.items) return nestedFields(schema.items, `${path}[]`)
  return []
}

/** A field's type in words: `string (date-time)`, `integer > 0`, `array of object`, `… or null`. */
function typeOf(schema: Schema): string {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``
  if (schema.enum) return `one of ${schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(', ')}`
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ')
  const types = [schema.type ?? 'any'].flat()
  return types.map((type) => typeWithBounds(type, schema)).join(' or ')
}

function typeWithBounds(type: string, schema: Schema): string {
  switch (type) {
    case 'string':
      if (schema.format) return `string (${schema.format})`
      if (schema.pattern) return `string matching \`${schema.pattern}\``
      return schema.minLength ? 'string (not empty)' : 'string'
    case 'integer':
    case 'number': {
      const bounds = [
        schema.exclusiveMinimum !== undefined ? `> ${schema.exclusiveMinimum}` : undefined,
        schema.minimum !== undefined ? `≥ ${schema.minimum}` : undefined,
        // The safe-integer bound zod adds to every integer says nothing a reader needs.
        schema.maximum !== undefined && schema.maximum !== Number.MAX_SAFE_INTEGER
          ? `≤ ${schema.maximum}`
          : undefined,
      ].filter(Boolean)
      return [type, ...bounds].join(' ')
    }
    case 'array':
      return `array of ${schema.items ? typeOf(schema.items) : 'any'}`
    case 'object':
      return typeof schema.additionalProperties === 'object' && !schema.properties
        ? `object: any key to ${typeOf(schema.additionalProperties)}`
        : 'object'
    default:
      return type
  }
}

/** A value the schema accepts, the same every time: its first `examples` entry where it has one. */
function exampleOf(schema: Schema, name: string): unknown {
  if (schema.examples?.length) return schema.examples[0]
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return schema.enum[0]
  if (schema.anyOf)
    return exampleOf(schema.anyOf.find((b) => b.type !== 'null') ?? schema.anyOf[0]!, name)
  switch ([schema.type].flat().find((t) => t !== 'null')) {
    case 'string':
      return schema.format === 'date-time' ? EXAMPLE_TIME : `<${name}>`
    case 'integer':
    case 'number':
      return schema.exclusiveMinimum !== undefined
        ? schema.exclusiveMinimum + 1
        : Math.max(schema.minimum ?? 1, 1)
    case 'boolean':
      return false
    case 'array':
      return schema.items ? [exampleOf(schema.items, name)] : []
    case 'object':
      if (schema.properties)
        return Object.fromEntries(
          Object.entries(schema.properties).map(([key, child]) => [key, exampleOf(child, key)]),
        )
      return typeof schema.additionalProperties === 'object'
        ? { '<key>': exampleOf(schema.additionalProperties, 'value') }
        : {}
    case undefined: // `{}`: any value
    default:
      return `<${name}>`
  }
}

/** One example event per type, in the schema's order. */
export function eventExamples(): Array<{ type: string; event: unknown }> {
  return loadEvents().map((schema) => ({ type: typeName(schema), event: exampleEvent(schema) }))
}

/** The example of one event type, as the page shows it. */
function exampleEvent(schema: Schema): Record<string, unknown> {
  const event = exampleOf(schema, 'event') as Record<string, unknown>
  // The schema's one example URL names one type; each example points at its own type's schema.
  if ('dataschema' in event)
    event.dataschema = `${EXAMPLE_HUB_URL}${dataSchemaPath(typeName(schema))}`
  return event
}

/** The anchor GitHub gives a heading (test/docs-links.test.ts checks links with the same rule). */
function anchor(heading: string): string {
  return heading
    .replace(/`/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/**
 * What a field means: its own description, else its type's (a nullable object's, an array's
 * items'), which zod writes one level down.
 */
function descriptionOf(schema: Schema): string {
  const below = [...(schema.anyOf ?? []), ...(schema.items ? [schema.items] : [])]
  return schema.description ?? below.find((s) => s.description)?.description ?? ''
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>')
const firstLine = (text: string | undefined) => (text ?? '').split('\n')[0]!

function table(fields: readonly Field[]): string[] {
  return [
    '| Field | Type | Required | Description |',
    '| --- | --- | --- | --- |',
    ...fields.map(
      (f) =>
        `| \`${f.path}\` | ${cell(typeOf(f.schema))} | ${f.required ? 'yes' : 'no'} | ${cell(descriptionOf(f.schema))} |`,
    ),
  ]
}

/** The exact text of docs/events-reference.md for the schema checked in now. */
export async function renderEventsReference(): Promise<string> {
  const events = loadEvents()
  // Envelope attributes whose schema is the same in every type are listed once; the others
  // (`type` always) in each type's own table.
  const shared = new Set(
    Object.keys(events[0]!.properties ?? {}).filter(
      (name) =>
        name !== 'data' &&
        events.every(
          (e) =>
            JSON.stringify(e.properties?.[name]) === JSON.stringify(events[0]!.properties?.[name]),
        ),
    ),
  )
  const envelope = fieldsOf(events[0]!, '').filter((f) => shared.has(f.path))
  const lines = [
    '# Events reference',
    '',
    '<!-- Generated from schema/events.v1.json by `npm run docs:events` (scripts/write-events-doc.ts). Do not edit. -->',
    '',
    'Every event type the hub emits, generated from its JSON Schema',
    '([`schema/events.v1.json`](../schema/events.v1.json)). How to receive them: the',
    '[consumer guide](consumers.md); the contract and its rules: [Events](events.md). The examples',
    'are built from the schema (placeholders in angle brackets), not taken from a channel.',
    '',
    '| Type | Description |',
    '| --- | --- |',
    ...events.map((e) => {
      const heading = `\`${typeName(e)}\``
      return `| [${heading}](#${anchor(heading)}) | ${cell(firstLine(e.description))} |`
    }),
    '',
    '## Envelope',
    '',
    'Every event carries these attributes. Those that differ between types (`type` at least) are',
    "in each type's table.",
    '',
    ...table(envelope),
  ]
  for (const event of events) {
    const own = fieldsOf(event, '').filter((f) => !shared.has(f.path))
    lines.push(
      '',
      `## \`${typeName(event)}\``,
      '',
      ...(event.description ? [event.description, ''] : []),
      ...table(own),
      '',
      'Example:',
      '',
      '```json',
      JSON.stringify(exampleEvent(event), null, 2),
      '```',
    )
  }
  const text = `${lines.join('\n')}\n`
  return format(text, { ...(await resolveConfig(EVENTS_REFERENCE_PATH)), parser: 'markdown' })
}
