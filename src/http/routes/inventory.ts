import { z } from '@hono/zod-openapi'
import { HTTPException } from 'hono/http-exception'
import { readItem } from '../../db/repos/inventory.js'
import { listListings } from '../../db/repos/listings.js'
import type { LocationDirectory } from '../../config/locations.js'
import { isChannelHeld, readLocationStock } from '../../inventory/locations.js'
import type { Listing } from '../../db/schema.js'
import {
  createInventoryWriter,
  type InventoryCommandDeps,
} from '../../pipeline/inventory-commands.js'
import { allocationView, allocationWindow } from '../../pipeline/plan-push.js'
import { isUnstorableValueError, PG_INTEGER, PgInteger } from '../../storable.js'
import { adminRoute } from '../admin-route.js'
import { ErrorMessage, Timestamp, json } from '../api-schemas.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'
import { badRequest } from './request-body.js'

/** As `PUT /v1/listings`: a whole warehouse's recount in a few requests, a body of a few MB. */
const MAX_LEVELS_PER_REQUEST = 10_000

const IsoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with an offset' })
// Levels and deltas are PostgreSQL integers: larger ones are a 400, not a database error.
const Units = PgInteger.nonnegative()

const PutLevel = z
  .object({
    onHand: Units,
    /** When the level was counted; a level not newer than the stored one changes nothing. */
    asOf: IsoTime,
    safetyStock: Units.optional(),
    /** The location counted (declared in the accounts file); absent: `default`. */
    location: z.string().min(1).max(200).optional(),
  })
  .strict()

/** A recount: many SKUs' levels in one request (`PUT /v1/inventory`). */
const PutLevels = z
  .object({
    levels: z
      .array(PutLevel.extend({ sku: z.string().min(1).max(200) }).strict())
      .min(1)
      .max(MAX_LEVELS_PER_REQUEST),
  })
  .strict()

const PostAdjustment = z
  .object({
    idempotencyKey: z.string().min(1).max(200),
    sku: z.string().min(1).max(200),
    delta: PgInteger.refine((d) => d !== 0, 'must not be 0'),
    reason: z.string().max(500).optional(),
    /** The location whose on-hand changes; absent: `default`. */
    location: z.string().min(1).max(200).optional(),
  })
  .strict()

const RecountAnswer = z.object({
  error: z.string().optional(),
  levels: z.number().int(),
  applied: z.number().int(),
  unchanged: z.number().int(),
  refused: z.array(z.object({ index: z.number().int(), sku: z.string(), error: z.string() })),
})

const ItemView = z
  .object({
    sku: z.string(),
    onHand: z.number().int(),
    onHandAsOf: Timestamp.nullable(),
    reserved: z.number().int(),
    safetyStock: z.number().int(),
    ats: z.number().int().openapi({ description: 'Available to sell.' }),
    atsChangedAt: Timestamp,
  })
  .openapi('InventoryItem')
type ItemView = z.output<typeof ItemView>

/** What the hub last did and learned about a listing's quantity. */
export const ListingView = z
  .object({
    id: z.string(),
    sku: z.string(),
    channel: z.string(),
    account: z.string(),
    unit: z.record(z.string(), z.unknown()),
    channelSku: z.string().nullable(),
    policy: z.record(z.string(), z.unknown()),
    inventorySource: z.boolean(),
    locations: z
      .array(z.string())
      .nullable()
      .openapi({ description: "The hub locations it draws from; null: all of its SKU's." }),
    channelHeld: z.boolean().openapi({
      description:
        'The channel holds its stock (Amazon FBA): shown, never pushed nor counted in on-hand.',
    }),
    lastPush: z.object({
      quantity: z.number().int().nullable(),
      at: Timestamp.nullable(),
      attemptAt: Timestamp.nullable(),
      status: z.enum(['applied', 'queued', 'failed', 'held', 'not-live']).nullable(),
      error: z.string().nullable(),
    }),
    lastReport: z.object({
      quantity: z.number().int().nullable(),
      at: Timestamp.nullable(),
      echo: z.boolean().nullable(),
    }),
    lastCheck: z.object({
      quantity: z.number().int().nullable(),
      at: Timestamp.nullable(),
      drift: z.number().int().nullable(),
    }),
  })
  .openapi('Listing')
type ListingView = z.output<typeof ListingView>

const SkuStock = ItemView.extend({
  onHandKnown: z.boolean(),
  locations: z.array(
    z.object({
      location: z.string(),
      onHand: z.number().int(),
      onHandAsOf: Timestamp.nullable(),
      reserved: z.number().int(),
    }),
  ),
  channelHeld: z.object({
    reported: z.number().int(),
    listings: z.array(
      z.object({
        id: z.string(),
        channel: z.string(),
        account: z.string(),
        quantity: z.number().int().nullable(),
        at: Timestamp.nullable(),
      }),
    ),
  }),
  listings: z.array(
    ListingView.extend({
      allocation: z
        .object({
          mode: z.enum(['shared', 'partitioned']),
          target: z.number().int(),
          offered: z.number().int(),
          inflight: z.number().int().nullable(),
          next: z.number().int().nullable(),
        })
        .nullable()
        .openapi({ description: "The SKU's allocation as this listing's next push would see it." }),
    }),
  ),
}).openapi('SkuStock')

const SkuParam = z.object({ sku: z.string().openapi({ example: 'TEE-1' }) })
const tags = ['Inventory']
const outOfRangeAnswer = json(
  "The resulting stock would leave the range the ledger holds (PostgreSQL's integer); nothing was applied.",
  ErrorMessage,
)

const putLevel = adminRoute({
  method: 'put',
  operationId: 'setInventoryLevel',
  path: '/{sku}',
  tags,
  summary: "Set a SKU's on-hand at a location",
  description:
    'An absolute level as of `asOf`; a level not newer than the stored one changes nothing.',
  request: {
    params: SkuParam,
    body: { required: true, content: { 'application/json': { schema: PutLevel } } },
  },
  responses: {
    200: json(
      "Applied, or not (`reason` says why); the SKU's stock either way.",
      z.union([
        z.object({ applied: z.literal(true), inventory: ItemView.nullable() }),
        z.object({ applied: z.literal(false), reason: z.string(), inventory: ItemView.nullable() }),
      ]),
    ),
    422: outOfRangeAnswer,
  },
})
const putLevels = adminRoute({
  method: 'put',
  operationId: 'setInventoryLevels',
  path: '/',
  tags,
  summary: "A recount: many SKUs' levels",
  description:
    'Each level is applied as `PUT /v1/inventory/{sku}` would; a level is idempotent by its `asOf`, so after a failure part-way the whole request can be sent again.',
  request: { body: { required: true, content: { 'application/json': { schema: PutLevels } } } },
  responses: {
    200: json('Every level was applied or unchanged.', RecountAnswer),
    422: json('Some levels were refused (see `refused`); the others were applied.', RecountAnswer),
  },
})
const postAdjustment = adminRoute({
  method: 'post',
  operationId: 'adjustInventory',
  path: '/adjustments',
  tags,
  summary: "Change a SKU's on-hand by a delta, once",
  description: 'Applied once per `idempotencyKey`; the same key again answers `duplicate`.',
  request: {
    body: { required: true, content: { 'application/json': { schema: PostAdjustment } } },
  },
  responses: {
    201: json(
      'Applied.',
      z.object({ status: z.literal('applied'), onHandAfter: z.number().int() }),
    ),
    200: json(
      'Already applied with this key: nothing changed.',
      z.object({ status: z.literal('duplicate'), onHandAfter: z.number().int() }),
    ),
    409: json('The key was used for another SKU, delta or location.', ErrorMessage),
    422: outOfRangeAnswer,
  },
})
const getStock = adminRoute({
  method: 'get',
  operationId: 'getInventory',
  path: '/{sku}',
  tags,
  summary: "A SKU's stock, per location, and what each channel was sent",
  request: { params: SkuParam },
  responses: {
    200: json("The SKU's stock.", SkuStock),
    404: json('No inventory for the SKU.', ErrorMessage),
  },
})

/** A location the accounts file does not declare: 400 naming the field, before anything changes. */
function knownLocation(locations: LocationDirectory, location: string | undefined): void {
  const problem = unknownLocation(locations, location, 'body.location')
  if (problem) throw badRequest([problem])
}

/** The problem with `location` at `field`, if the accounts file does not declare it. */
function unknownLocation(
  locations: LocationDirectory,
  location: string | undefined,
  field: string,
): string | undefined {
  if (location === undefined || locations.has(location)) return undefined
  return `${field}: unknown location "${location}" (known: ${locations.names.join(', ')}; docs/configuration.md, "Locations")`
}

/**
 * The inventory ledger: levels, adjustments, and a SKU's stock with what each channel was sent.
 * Levels and adjustments go through one writer per app (so per process): those arriving together
 * share a transaction and each SKU's lock.
 */
export function inventoryRoutes(deps: InventoryCommandDeps) {
  const app = openApiRoutes()
  const writer = createInventoryWriter(deps)
  app.openapi(putLevel, async (c) => {
    const { sku } = c.req.valid('param')
    const input = c.req.valid('json')
    knownLocation(deps.accounts.locations, input.location)
    const outcome = await withinRange(
      sku,
      writer.putInventoryLevel({ sku, ...input, asOf: new Date(input.asOf) }),
    )
    c.set('auditDetails', {
      sku,
      applied: outcome.applied,
      ...(input.location ? { location: input.location } : {}),
    })
    const item = await readItem(deps.db, sku)
    const inventory = item ? itemView(item) : null
    const answer = jsonAnswers(putLevel)
    return outcome.applied
      ? answer(c, { applied: true, inventory }, 200)
      : answer(
          c,
          {
            applied: false,
            reason: `a level as of ${outcome.storedAsOf.toISOString()} is already stored; older or equal levels change nothing`,
            inventory,
          },
          200,
        )
  })
  // A recount of many SKUs. Each level is applied as `PUT /v1/inventory/:sku` would apply it (the
  // writer groups them into a few transactions); a level is idempotent by its `asOf`, so after a
  // failure part-way (a 503) the whole request can be sent again.
  app.openapi(putLevels, async (c) => {
    const { levels } = c.req.valid('json')
    const seen = new Map<string, number>()
    const problems: string[] = []
    levels.forEach((level, i) => {
      const location = level.location ?? 'default'
      const unknown = unknownLocation(
        deps.accounts.locations,
        level.location,
        `body.levels[${i}].location`,
      )
      if (unknown) problems.push(unknown)
      const key = `${level.sku}\u0000${location}`
      const first = seen.get(key)
      if (first !== undefined)
        problems.push(
          `body.levels[${i}]: sku ${level.sku} at location ${location} is also body.levels[${first}]; send one level per SKU and location`,
        )
      else seen.set(key, i)
    })
    if (problems.length > 20)
      problems.splice(20, problems.length, `and ${problems.length - 20} more problems like these`)
    if (problems.length > 0) throw badRequest(problems)
    const outcomes = await Promise.allSettled(
      levels.map((level) => writer.putInventoryLevel({ ...level, asOf: new Date(level.asOf) })),
    )
    const refused: { index: number; sku: string; error: string }[] = []
    let applied = 0
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') {
        if (outcome.value.applied) applied += 1
        return
      }
      if (!isUnstorableValueError(outcome.reason)) throw outcome.reason
      refused.push({ index: i, sku: levels[i]!.sku, error: outOfRange(levels[i]!.sku) })
    })
    const answer = {
      ...(refused.length > 0 && {
        error: `${refused.length} of ${levels.length} levels were refused (see refused); the others were applied`,
      }),
      levels: levels.length,
      applied,
      unchanged: levels.length - applied - refused.length,
      refused,
    }
    c.set('auditDetails', { levels: levels.length, applied, refused: refused.length })
    return jsonAnswers(putLevels)(c, answer, refused.length > 0 ? 422 : 200)
  })
  app.openapi(postAdjustment, async (c) => {
    const input = c.req.valid('json')
    knownLocation(deps.accounts.locations, input.location)
    const outcome = await withinRange(
      input.sku,
      writer.postAdjustment({ ...input, reason: input.reason ?? null }),
    )
    c.set('auditDetails', {
      sku: input.sku,
      delta: input.delta,
      outcome: outcome.status,
      ...(input.location ? { location: input.location } : {}),
    })
    const answer = jsonAnswers(postAdjustment)
    switch (outcome.status) {
      case 'applied':
        return answer(c, { status: 'applied', onHandAfter: outcome.onHandAfter }, 201)
      case 'duplicate':
        return answer(c, { status: 'duplicate', onHandAfter: outcome.onHandAfter }, 200)
      case 'conflict':
        return answer(
          c,
          {
            error: `idempotency key already used for sku ${outcome.existing.sku} with delta ${outcome.existing.delta}${outcome.existing.location ? ` at location ${outcome.existing.location}` : ''}`,
          },
          409,
        )
    }
  })
  app.openapi(getStock, async (c) => {
    const { sku } = c.req.valid('param')
    const answer = jsonAnswers(getStock)
    const item = await readItem(deps.db, sku)
    if (!item) return answer(c, { error: `no inventory for sku ${sku}` }, 404)
    const listings = await listListings(deps.db, { sku })
    const stock = await readLocationStock(deps.db, sku, deps.accounts.locations)
    const held = listings.filter(isChannelHeld)
    const allocation = await allocationView(
      deps.db,
      deps.accounts,
      sku,
      allocationWindow(deps.config.stock),
    )
    return answer(
      c,
      {
        ...itemView(item),
        onHandKnown: allocation.onHandKnown,
        locations: (stock?.levels ?? []).map((l) => ({
          location: l.location,
          onHand: l.onHand,
          onHandAsOf: at(l.onHandAsOf),
          reserved: l.reserved,
        })),
        // Stock the channel holds (Amazon FBA): what it last reported, not part of on-hand.
        channelHeld: {
          reported: held.reduce((sum, l) => sum + (l.last_reported_quantity ?? 0), 0),
          listings: held.map((l) => ({
            id: l.id,
            channel: l.channel,
            account: l.account_id,
            quantity: l.last_reported_quantity,
            at: at(l.last_reported_at),
          })),
        },
        listings: listings.map((l) => ({
          ...listingView(l),
          allocation: allocation.listings.get(l.id) ?? null,
        })),
      },
      200,
    )
  })
  return app
}

function itemView(item: NonNullable<Awaited<ReturnType<typeof readItem>>>): ItemView {
  return {
    sku: item.sku,
    onHand: item.on_hand,
    onHandAsOf: item.on_hand_as_of?.toISOString() ?? null,
    reserved: item.reserved,
    safetyStock: item.safety_stock,
    ats: item.ats,
    atsChangedAt: item.ats_changed_at.toISOString(),
  }
}

const at = (d: Date | null) => d?.toISOString() ?? null

export function listingView(l: Listing): ListingView {
  return {
    id: l.id,
    sku: l.sku,
    channel: l.channel,
    account: l.account_id,
    unit: l.unit,
    channelSku: l.channel_sku,
    policy: l.policy,
    inventorySource: l.inventory_source,
    /** The hub locations it draws from; null: all of its SKU's. */
    locations: l.locations,
    /** The channel holds its stock (Amazon FBA): shown, never pushed nor counted in on-hand. */
    channelHeld: isChannelHeld(l),
    lastPush: {
      quantity: l.last_pushed_quantity,
      at: at(l.last_pushed_at),
      attemptAt: at(l.last_push_attempt_at),
      status: l.last_push_status,
      error: l.last_push_error,
    },
    lastReport: {
      quantity: l.last_reported_quantity,
      at: at(l.last_reported_at),
      echo: l.last_report_echo,
    },
    lastCheck: {
      quantity: l.last_checked_quantity,
      at: at(l.last_checked_at),
      drift: l.last_drift,
    },
  }
}

/**
 * Each input is within PostgreSQL's `integer`, but the SKU's running on-hand (or on-hand less
 * reserved) can still leave it; PostgreSQL then refuses the write. That is the request's fault and
 * permanent: 422 naming the SKU, and nothing was applied (the writer retried it alone).
 */
async function withinRange<T>(sku: string, write: Promise<T>): Promise<T> {
  try {
    return await write
  } catch (err) {
    if (!isUnstorableValueError(err)) throw err
    throw new HTTPException(422, {
      res: Response.json({ error: outOfRange(sku) }, { status: 422 }),
    })
  }
}

const outOfRange = (sku: string) =>
  `sku ${sku}: the resulting stock would leave the range the ledger holds (${PG_INTEGER.min} to ${PG_INTEGER.max}); nothing was applied`
