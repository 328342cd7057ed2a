// Writes packages/client/src/events.generated.ts from schema/events.v1.json (npm run schema:client).
import { writeFileSync } from 'node:fs'
import { CLIENT_TYPES_PATH, renderClientTypes } from './client-types.js'

writeFileSync(CLIENT_TYPES_PATH, await renderClientTypes())
console.log(`wrote ${CLIENT_TYPES_PATH}`)
