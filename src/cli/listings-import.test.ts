import { describe, expect, it } from 'vitest'
import { readListingsCsv } from './listings-import.js'

describe('readListingsCsv', () => {
  it('reads units, lists, policies and flags from their columns', () => {
    const csv = [
      'sku,channel,account,unit.productId,unit.skuId,unit.warehouseIds,policy.buffer,policy.percentage,inventorySource,channelSku',
      'TEE-1,tiktok-shop,demo,172,173,"W1; W2",2,80,false,',
      'TEE-1,walmart,demo,,,,,,true,WM-TEE-1',
    ].join('\n')
    expect(readListingsCsv(csv)).toEqual({
      ok: true,
      rows: [
        {
          sku: 'TEE-1',
          channel: 'tiktok-shop',
          account: 'demo',
          unit: { productId: '172', skuId: '173', warehouseIds: ['W1', 'W2'] },
          policy: { buffer: 2, percentage: 80 },
          inventorySource: false,
        },
        {
          sku: 'TEE-1',
          channel: 'walmart',
          account: 'demo',
          inventorySource: true,
          channelSku: 'WM-TEE-1',
        },
      ],
    })
  })

  it('reads the locations a listing draws from, separated by ";"; empty: all', () => {
    const csv = [
      'sku,channel,account,locations',
      'A,walmart,demo,east; west',
      'A,amazon,demo,',
    ].join('\n')
    expect(readListingsCsv(csv)).toEqual({
      ok: true,
      rows: [
        { sku: 'A', channel: 'walmart', account: 'demo', locations: ['east', 'west'] },
        { sku: 'A', channel: 'amazon', account: 'demo' },
      ],
    })
  })

  it('names every bad line and returns no rows', () => {
    const csv = ['sku,channel,account,policy.buffer', 'A,ebay,demo,', 'B,walmart,demo,-1'].join(
      '\n',
    )
    const read = readListingsCsv(csv)
    expect(read.ok).toBe(false)
    if (read.ok) return
    expect(read.problems[0]).toMatch(/^line 2\.channel/)
    expect(read.problems[1]).toMatch(/^line 3\.policy\.buffer/)
  })

  it('reports a malformed file', () => {
    expect(readListingsCsv('sku,channel\n"unterminated')).toMatchObject({ ok: false })
  })
})
