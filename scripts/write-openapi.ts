// Writes the OpenAPI document the hub serves at GET /openapi.json to schema/openapi.json, for
// review as a diff. test/integration/openapi-document.test.ts fails when the checked-in file is
// stale. The app is built as the hub builds it (so Redis should be up, as for the tests); the
// document depends on no setting, so none is read from the environment.
import { writeFileSync } from 'node:fs'
import { loadConfig } from '../src/config/index.js'
import { closeDeps, createDeps } from '../src/deps.js'
import { createApp } from '../src/http/app.js'
import { OPENAPI_DOCUMENT_PATH } from '../src/http/openapi-document.js'
import { createLogger } from '../src/logger.js'

const config = loadConfig({})
const deps = createDeps(config, { log: createLogger({ level: 'error' }) })
try {
  const res = await createApp(deps).request('/openapi.json')
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`)
  writeFileSync(OPENAPI_DOCUMENT_PATH, `${JSON.stringify(await res.json(), null, 2)}\n`)
  console.log(`wrote ${OPENAPI_DOCUMENT_PATH}`)
} finally {
  await closeDeps(deps)
}
