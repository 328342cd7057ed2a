// The client package's event types, generated from the checked-in JSON Schema so the client and
// the hub cannot disagree on a field. scripts/write-client-types.ts writes them;
// packages/client/test/events-generated.test.ts fails when the checked-in file is stale.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { compile } from 'json-schema-to-typescript'
import { format, resolveConfig } from 'prettier'
import { EVENTS_SCHEMA_PATH } from '../src/events/json-schema.js'

export const CLIENT_TYPES_PATH = fileURLToPath(
  new URL('../packages/client/src/events.generated.ts', import.meta.url),
)

const BANNER = `// Generated from schema/events.v1.json by scripts/write-client-types.ts (npm run schema:client).
// Do not edit: change src/events/, then run npm run schema:events and npm run schema:client.`

interface EventSchema {
  title?: string
  properties: { type: { const: string } }
}

/** `order.found_by_polling.v1` → `OrderFoundByPollingV1`: one interface name per event type. */
export function interfaceName(type: string): string {
  return type
    .split(/[._]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')
}

/** The exact text of packages/client/src/events.generated.ts for the schema checked in now. */
export async function renderClientTypes(): Promise<string> {
  const schema = JSON.parse(readFileSync(EVENTS_SCHEMA_PATH, 'utf8')) as {
    oneOf: EventSchema[]
  }
  const types = schema.oneOf.map((event) => event.properties.type.const)
  for (const event of schema.oneOf) event.title = interfaceName(event.properties.type.const)
  const declarations = await compile({ ...schema, title: 'HubEvent' }, 'HubEvent', {
    bannerComment: '',
    // The hub sends only the fields its schema names (its zod objects are strict).
    additionalProperties: false,
    strictIndexSignatures: true,
    unknownAny: true,
    format: false,
  })
  const text = [
    BANNER,
    declarations,
    "/** Every event type this client knows, in the schema's order. */",
    `export const EVENT_TYPES = ${JSON.stringify(types)} as const`,
    '',
    '/** An event type name, e.g. `order.created.v1`. */',
    "export type EventType = HubEvent['type']",
  ].join('\n')
  return format(text, { ...(await resolveConfig(CLIENT_TYPES_PATH)), parser: 'typescript' })
}
