import { listInboxEvents, searchInbox } from '../../db/repos/inbox-search.js'
import { getOrder, type OrderKey } from '../../db/repos/orders.js'
import type { OrderSnapshot } from '../../events/index.js'
import { orderHistory } from '../../lineage/index.js'
import type { ConsoleDeps } from '../deps.js'
import { stamp } from '../format.js'
import { Page } from '../layout.js'
import { Timeline } from '../panels/timeline.js'
import { MessageTable } from './sku.js'

const MESSAGES_SHOWN = 50

/** An order's latest snapshot and the webhooks (with their events) that brought it. */
export async function loadOrderPage(deps: ConsoleDeps, key: OrderKey) {
  const [order, messages, history] = await Promise.all([
    getOrder(deps.db, key),
    searchInbox(
      deps.db,
      { channel: key.channel, accountId: key.accountId, orderId: key.externalId },
      { limit: MESSAGES_SHOWN },
    ),
    orderHistory(deps.db, {
      channel: key.channel,
      accountId: key.accountId,
      orderId: key.externalId,
    }),
  ])
  if (!order && messages.length === 0) return undefined
  const events = new Map(
    await Promise.all(
      messages.map(async (m) => [m.id, await listInboxEvents(deps.db, m.id)] as const),
    ),
  )
  return { key, order, messages, events, history }
}

type Data = NonNullable<Awaited<ReturnType<typeof loadOrderPage>>>

export function OrderPage(props: { readonly data: Data }) {
  const { key, order, messages, events, history } = props.data
  // The summary leaves out the buyer's e-mail and address: personal data stays in the API.
  const snapshot = order?.snapshot as OrderSnapshot | undefined
  return (
    <Page title={`Order ${key.externalId} (${key.channel}/${key.accountId})`}>
      <section class="card" data-testid="order-summary">
        <h2>Latest snapshot</h2>
        {order && snapshot ? (
          <>
            <table>
              <tbody>
                <tr>
                  <th>Status</th>
                  <td data-testid="order-status">
                    {order.status} <span class="muted">payment {snapshot.paymentStatus}</span>
                  </td>
                </tr>
                <tr>
                  <th>Number</th>
                  <td>{snapshot.number ?? '–'}</td>
                </tr>
                <tr>
                  <th>Placed</th>
                  <td>{stamp(new Date(snapshot.placedAt))}</td>
                </tr>
                <tr>
                  <th>Channel's last update</th>
                  <td>{stamp(order.channel_updated_at)}</td>
                </tr>
                <tr>
                  <th>Total</th>
                  <td data-testid="order-total">
                    {snapshot.totals.total.amountMinor} {snapshot.currency} (minor units)
                  </td>
                </tr>
                <tr>
                  <th>Reached the hub by</th>
                  <td>
                    {order.found_by}, {stamp(order.created_at)}
                  </td>
                </tr>
              </tbody>
            </table>
            <table data-testid="order-lines">
              <thead>
                <tr>
                  <th>Line</th>
                  <th>SKU</th>
                  <th>Title</th>
                  <th class="n">Quantity</th>
                  <th class="n">Fulfilled</th>
                </tr>
              </thead>
              <tbody>
                {snapshot.lines.map((l) => (
                  <tr>
                    <td>{l.externalLineId}</td>
                    <td>
                      {l.sku ? (
                        <a href={`/console/skus/${encodeURIComponent(l.sku)}`}>{l.sku}</a>
                      ) : (
                        '–'
                      )}
                    </td>
                    <td>{l.title}</td>
                    <td class="n">{l.quantity}</td>
                    <td class="n">{l.quantityFulfilled}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p class="muted">No order stored: its webhooks below did not produce one (yet).</p>
        )}
      </section>
      <section class="card" data-testid="order-messages">
        <h2>Webhooks and the events they produced</h2>
        <MessageTable messages={messages} events={events} />
      </section>
      <Timeline
        entries={history?.entries ?? []}
        more={
          history?.truncated
            ? 'More webhooks named this order than a history lists: the first ones are shown.'
            : undefined
        }
      />
    </Page>
  )
}
