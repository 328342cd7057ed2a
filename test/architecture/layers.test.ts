// Puts the layer rules (.dependency-cruiser.cjs) in CI: `.ci/run` runs `npm test` only, so without
// this file an import across a layer would pass CI and be caught, if at all, by `npm run check`.
// The second test keeps the first honest: the same rules must refuse a known violation.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { cruise, format, type ICruiseResult } from 'dependency-cruiser'
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options'
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config'
import { afterAll, describe, expect, it } from 'vitest'

/** The same roots as `npm run deps`. */
const ROOTS = [
  'src',
  'connectors',
  'normalizers',
  'workers',
  'bench',
  'scripts',
  'test',
  'packages/client/src',
  'packages/client/test',
  'examples',
]

async function cruiseWithRules(roots: string[], baseDir?: string): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs')
  const result = await cruise(
    roots,
    { ...options, validate: true, ...(baseDir ? { baseDir } : {}) },
    {},
    { tsConfig: extractTSConfig('tsconfig.json') },
  )
  return result.output as ICruiseResult
}

describe('layers', () => {
  it('every import is one its layer may make', { timeout: 30_000 }, async () => {
    const result = await cruiseWithRules(ROOTS)
    const { output: report } = await format(result, { outputType: 'err' })
    expect(result.summary.violations, typeof report === 'string' ? report : '').toEqual([])
    expect(result.summary.totalCruised).toBeGreaterThan(300)
  })

  const scratch = mkdtempSync(join(tmpdir(), 'hub-layers-'))
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  it('refuses a connector that imports the queues', { timeout: 30_000 }, async () => {
    const files = {
      'src/queues/index.ts': 'export const queues = 1\n',
      'connectors/shopify/client.ts': "export { queues } from '../../src/queues/index.js'\n",
    }
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(scratch, dirname(path)), { recursive: true })
      writeFileSync(join(scratch, path), text)
    }
    const result = await cruiseWithRules(['src', 'connectors'], scratch)
    expect(result.summary.violations).toEqual([
      expect.objectContaining({
        from: 'connectors/shopify/client.ts',
        to: 'src/queues/index.ts',
        rule: { name: 'not-in-allowed', severity: 'error' },
      }),
    ])
  })
})
