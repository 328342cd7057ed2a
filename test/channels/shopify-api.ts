// A stand-in for the part of Shopify's GraphQL Admin API the hub calls: `inventorySetQuantities`
// (with `@idempotent`) and the `inventoryItem { inventoryLevel { quantities } }` read. Written from
// Shopify's docs, independently of connectors/shopify/*, so a misreading in the client is not
// repeated here. Sources: channels.md §1 B1/B2;
// https://shopify.dev/docs/api/admin-graphql/latest/mutations/inventorySetQuantities,
// https://shopify.dev/docs/api/admin-graphql/latest/input-objects/InventoryQuantityInput,
// https://shopify.dev/docs/api/admin-graphql/latest/enums/InventorySetQuantitiesUserErrorCode,
// https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits (extensions.cost).
//
// Usage (client test):
//   const api = serve(shopifyApi({ baseUrl, accessToken, levels: new Map([[levelKey(1, 2), 5]]) }))
//   …createShopifyClient({ …credentials }, { transport: fetchTransport(), clock })
import { HttpResponse, http, type HttpHandler } from 'msw'
import { arrived, isObject, parseObject, recordCall, retryAfterHeader } from './api-stand-in.js'

/** Shopify's bucket report, sent in every answer's `extensions.cost.throttleStatus`. */
export interface ThrottleReport {
  readonly maximumAvailable: number
  readonly currentlyAvailable: number
  readonly restoreRate: number
}

/** One quantity of an accepted `inventorySetQuantities`, ids as digits. */
export interface ShopifySetQuantity {
  readonly item: string
  readonly location: string
  readonly quantity: number
  readonly changeFromQuantity: number | null
}

/** An `inventorySetQuantities` call that passed every check. */
export interface ShopifySetCall {
  readonly idempotencyKey: string
  readonly name: string
  readonly reason: string
  readonly referenceDocumentUri: unknown
  readonly quantities: readonly ShopifySetQuantity[]
}

export interface ShopifyUserError {
  readonly code: string
  readonly field?: readonly string[]
  readonly message?: string
}

export interface ShopifyApiOptions {
  /** The API origin the client resolves, e.g. `https://demo-store.myshopify.com`. */
  readonly baseUrl: string
  /** Default 2026-10. */
  readonly apiVersion?: string
  /** The one token `X-Shopify-Access-Token` must carry. */
  readonly accessToken: string
  /**
   * `available` by {@link levelKey}(item, location). A key present means the item is stocked at
   * the location; an item with no key at all is unknown. Writes update it.
   */
  readonly levels?: Map<string, number>
  /** Reported in every answer; default a full Standard bucket (2000 points, 100/s). */
  readonly throttle?: ThrottleReport
  /**
   * Called for each set that passed every check, before Shopify's own checks (stale, not
   * stocked): a `Response` replaces the answer, a list of userErrors is answered as such.
   */
  readonly onSet?: (call: ShopifySetCall) => Response | readonly ShopifyUserError[] | undefined
}

/** One request as it arrived, accepted or refused. */
export interface ShopifyApiCall {
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  /** The request body, parsed. */
  readonly query: string
  readonly variables: Record<string, unknown>
  readonly refusedWith?: { readonly status: number; readonly why: string }
}

export interface ShopifyApi {
  readonly handlers: HttpHandler[]
  readonly calls: ShopifyApiCall[]
  readonly setCalls: ShopifySetCall[]
  /** Each idempotency key used so far: its input (JSON) and answer, replayed for the same key. */
  readonly keys: ReadonlyMap<string, { readonly params: string; readonly answer: unknown }>
}

export const levelKey = (item: string | number, location: string | number) => `${item}@${location}`

/** Shopify's answer to a missing or wrong access token (HTTP 401, `errors` a string). */
export const INVALID_TOKEN_BODY = {
  errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
}

const FULL_BUCKET: ThrottleReport = {
  maximumAvailable: 2000,
  currentlyAvailable: 2000,
  restoreRate: 100,
}

/** `extensions.cost` of an answer. */
export function costExtension(requested: number, throttle: ThrottleReport = FULL_BUCKET) {
  return {
    cost: {
      requestedQueryCost: requested,
      actualQueryCost: requested,
      throttleStatus: throttle,
    },
  }
}

/** A GraphQL answer with top-level errors, each `{ message, extensions: { code } }`. */
export function graphqlErrors(
  errors: readonly { readonly code: string; readonly message?: string }[],
  init: {
    readonly status?: number
    readonly requested?: number
    readonly throttle?: ThrottleReport
  } = {},
): Response {
  return HttpResponse.json(
    {
      errors: errors.map((e) => ({
        message: e.message ?? e.code,
        extensions: { code: e.code },
      })),
      extensions: costExtension(init.requested ?? 10, init.throttle),
    },
    { status: init.status ?? 200 },
  )
}

/**
 * Shopify's throttled answer: `errors[].extensions.code` THROTTLED, `actualQueryCost` null. The
 * status is disputed (channels.md §1 B2), so a test picks 200 or 429.
 */
export function throttled(init: {
  readonly status: 200 | 429
  readonly requested: number
  readonly throttle: ThrottleReport
  readonly retryAfter?: string
}): Response {
  return HttpResponse.json(
    {
      errors: [
        {
          message: 'Throttled',
          extensions: {
            code: 'THROTTLED',
            documentation: 'https://shopify.dev/api/usage/rate-limits',
          },
        },
      ],
      extensions: {
        cost: {
          requestedQueryCost: init.requested,
          actualQueryCost: null,
          throttleStatus: init.throttle,
        },
      },
    },
    { status: init.status, headers: retryAfterHeader(init.retryAfter) },
  )
}

const GID = (type: string) => new RegExp(`^gid://shopify/${type}/(\\d+)$`)

export function shopifyApi(options: ShopifyApiOptions): ShopifyApi {
  const version = options.apiVersion ?? '2026-10'
  const url = `${options.baseUrl.replace(/\/+$/, '')}/admin/api/${version}/graphql.json`
  const levels = options.levels ?? new Map<string, number>()
  const calls: ShopifyApiCall[] = []
  const setCalls: ShopifySetCall[] = []
  const keys = new Map<string, { params: string; answer: unknown }>()
  const throttle = () => options.throttle ?? FULL_BUCKET
  const knownItem = (item: string) => [...levels.keys()].some((k) => k.startsWith(`${item}@`))

  const handler = http.post(url, async ({ request }) => {
    const { path, headers, body } = await arrived(request)
    const parsed = parseObject(body)
    const query = typeof parsed?.query === 'string' ? parsed.query : ''
    const variables = isObject(parsed?.variables) ? parsed.variables : {}
    const markRefused = recordCall<ShopifyApiCall>(calls, { path, headers, query, variables })
    const refuse = (response: Response, why: string) => {
      markRefused({ status: response.status, why })
      return response
    }
    if (headers['x-shopify-access-token'] !== options.accessToken) {
      return refuse(HttpResponse.json(INVALID_TOKEN_BODY, { status: 401 }), 'token')
    }
    if (!(headers['content-type'] ?? '').startsWith('application/json') || !query) {
      return refuse(
        HttpResponse.json(
          { errors: { query: 'Required parameter missing or invalid' } },
          { status: 400 },
        ),
        'body',
      )
    }
    if (/\binventorySetQuantities\s*\(/.test(query)) return setQuantities(query, variables, refuse)
    if (/\binventoryItem\s*\(/.test(query)) return readLevel(variables, refuse)
    return refuse(
      graphqlErrors([{ code: 'BAD_REQUEST', message: 'unexpected operation' }]),
      'operation',
    )
  })

  function setQuantities(
    query: string,
    variables: Record<string, unknown>,
    refuse: (response: Response, why: string) => Response,
  ): Response {
    // From 2026-04 the directive is mandatory for inventory mutations (channels.md §1 B1).
    if (!/@idempotent\s*\(\s*key:\s*\$idempotencyKey\s*\)/.test(query)) {
      return refuse(
        graphqlErrors([{ code: 'BAD_REQUEST', message: 'The @idempotent directive is required' }]),
        'no @idempotent',
      )
    }
    const input = isObject(variables.input) ? variables.input : undefined
    const key = variables.idempotencyKey
    const quantities = Array.isArray(input?.quantities) ? input.quantities : []
    const parsedQuantities: ShopifySetQuantity[] = []
    for (const q of quantities) {
      const item =
        isObject(q) && typeof q.inventoryItemId === 'string'
          ? GID('InventoryItem').exec(q.inventoryItemId)?.[1]
          : undefined
      const location =
        isObject(q) && typeof q.locationId === 'string'
          ? GID('Location').exec(q.locationId)?.[1]
          : undefined
      const change = isObject(q) ? q.changeFromQuantity : undefined
      if (
        !item ||
        !location ||
        !isObject(q) ||
        !Number.isInteger(q.quantity) ||
        // Mandatory from 2026-04: a number, or an explicit null (InventoryQuantityInput).
        !(change === null || Number.isInteger(change))
      ) {
        return refuse(
          graphqlErrors([
            { code: 'INVALID_VARIABLE', message: 'Variable $input was provided invalid value' },
          ]),
          'quantities',
        )
      }
      parsedQuantities.push({
        item,
        location,
        quantity: q.quantity as number,
        changeFromQuantity: change as number | null,
      })
    }
    if (
      typeof key !== 'string' ||
      key === '' ||
      !input ||
      parsedQuantities.length === 0 ||
      typeof input.name !== 'string' ||
      typeof input.reason !== 'string'
    ) {
      return refuse(
        graphqlErrors([
          { code: 'INVALID_VARIABLE', message: 'Variable $input was provided invalid value' },
        ]),
        'input',
      )
    }
    const params = JSON.stringify(variables.input)
    const earlier = keys.get(key)
    if (earlier) {
      if (earlier.params !== params) {
        return answerSet([{ code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH' }])
      }
      return HttpResponse.json(earlier.answer as Record<string, unknown>)
    }
    const call: ShopifySetCall = {
      idempotencyKey: key,
      name: input.name,
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri,
      quantities: parsedQuantities,
    }
    setCalls.push(call)
    const reply = options.onSet?.(call)
    if (reply instanceof Response) return reply
    const errors: ShopifyUserError[] = [...(reply ?? [])]
    if (errors.length === 0) {
      parsedQuantities.forEach((q, i) => {
        const field = ['input', 'quantities', String(i)]
        const current = levels.get(levelKey(q.item, q.location))
        if (!knownItem(q.item))
          errors.push({ code: 'INVALID_INVENTORY_ITEM', field: [...field, 'inventoryItemId'] })
        else if (current === undefined)
          errors.push({ code: 'ITEM_NOT_STOCKED_AT_LOCATION', field: [...field, 'locationId'] })
        else if (q.changeFromQuantity !== null && q.changeFromQuantity !== current) {
          errors.push({
            code: 'CHANGE_FROM_QUANTITY_STALE',
            field: [...field, 'changeFromQuantity'],
          })
        } else if (q.quantity < 0)
          errors.push({ code: 'INVALID_QUANTITY_NEGATIVE', field: [...field, 'quantity'] })
      })
    }
    // All or nothing: one error and no quantity is set.
    if (errors.length === 0)
      for (const q of parsedQuantities) levels.set(levelKey(q.item, q.location), q.quantity)
    const answer = setAnswer(errors, parsedQuantities)
    keys.set(key, { params, answer })
    return HttpResponse.json(answer)
  }

  function answerSet(errors: readonly ShopifyUserError[]): Response {
    return HttpResponse.json(setAnswer(errors, []))
  }

  function setAnswer(errors: readonly ShopifyUserError[], applied: readonly ShopifySetQuantity[]) {
    return {
      data: {
        inventorySetQuantities: {
          inventoryAdjustmentGroup:
            errors.length > 0
              ? null
              : {
                  id: 'gid://shopify/InventoryAdjustmentGroup/1',
                  changes: applied.map(() => ({
                    name: 'available',
                    delta: 0,
                    quantityAfterChange: null,
                  })),
                },
          userErrors: errors.map((e) => ({
            code: e.code,
            field: e.field ?? null,
            message: e.message ?? e.code,
          })),
        },
      },
      extensions: costExtension(10, throttle()),
    }
  }

  function readLevel(
    variables: Record<string, unknown>,
    refuse: (response: Response, why: string) => Response,
  ): Response {
    const item =
      typeof variables.inventoryItemId === 'string'
        ? GID('InventoryItem').exec(variables.inventoryItemId)?.[1]
        : undefined
    const location =
      typeof variables.locationId === 'string'
        ? GID('Location').exec(variables.locationId)?.[1]
        : undefined
    if (!item || !location) {
      return refuse(
        graphqlErrors([
          {
            code: 'INVALID_VARIABLE',
            message: 'Variable $inventoryItemId was provided invalid value',
          },
        ]),
        'ids',
      )
    }
    const available = levels.get(levelKey(item, location))
    const inventoryItem = knownItem(item)
      ? {
          id: `gid://shopify/InventoryItem/${item}`,
          inventoryLevel:
            available === undefined
              ? null
              : {
                  id: `gid://shopify/InventoryLevel/1?inventory_item_id=${item}`,
                  quantities: [{ name: 'available', quantity: available }],
                },
        }
      : null
    return HttpResponse.json({ data: { inventoryItem }, extensions: costExtension(3, throttle()) })
  }

  return {
    handlers: [handler],
    calls,
    setCalls,
    keys,
  }
}
