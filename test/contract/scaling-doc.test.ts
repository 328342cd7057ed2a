// Keeps docs/scaling.md from drifting from the capacity model: the checked-in page must be exactly
// what scripts/write-scaling-doc.ts makes of it over the committed figures (after new figures or a
// model change: npm run docs:scaling), and the figures must hold every number the model reads.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { connectors } from '../../connectors/index.js'
import {
  channelLimits,
  readFigures,
  renderScalingDoc,
  SCALING_DOC_PATH,
  tiers,
} from '../../scripts/capacity.js'

describe('docs/scaling.md', () => {
  it('is what npm run docs:scaling generates from the committed figures', async () => {
    const doc = readFileSync(SCALING_DOC_PATH, 'utf8')
    expect(doc).toBe(await renderScalingDoc(doc))
  })

  it('rests on figures whose every number the model reads is measured', () => {
    for (const tier of tiers(readFigures()))
      for (const [field, value] of Object.entries(tier))
        expect(Number.isFinite(Number(value)), `${field} at ${tier.multiplier}×`).toBe(true)
  })

  it('lists the per-account limits of every channel the hub pushes stock to', () => {
    const listed = new Set(channelLimits().map((l) => l.channel))
    const names = {
      shopify: 'Shopify',
      amazon: 'Amazon',
      walmart: 'Walmart',
      'tiktok-shop': 'TikTok Shop',
    }
    for (const id of Object.keys(connectors))
      expect(listed).toContain(names[id as keyof typeof names])
  })
})
