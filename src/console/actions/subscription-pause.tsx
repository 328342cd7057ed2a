import { getSubscription } from '../../db/repos/subscriptions.js'
import { subscriptionBacklog } from '../../metrics/delivery.js'
import { pauseSubscription, resumeSubscription } from '../../pipeline/subscription-pause.js'
import { hasUnstorableChar } from '../../storable.js'
import { defineAction } from './action.js'

/**
 * Pauses or resumes a subscriber, as `POST /v1/subscriptions/:id/pause` and `…/resume` do (the
 * same functions, src/pipeline/subscription-pause.ts).
 */
function subscriptionTransition(verb: 'pause' | 'resume') {
  return defineAction<{ readonly subscription: string }>({
    name: `${verb}-subscription`,
    title: verb === 'pause' ? 'Pause a subscriber' : 'Resume a subscriber',
    confirmLabel: verb === 'pause' ? 'Pause it' : 'Resume it',
    fields: [{ name: 'subscription', label: 'Subscription id' }],
    async check(deps, values) {
      const id = values.subscription ?? ''
      if (id === '') return { ok: false, errors: { subscription: 'required' } }
      if (id.length > 200 || hasUnstorableChar(id) || !(await getSubscription(deps.db, id)))
        return { ok: false, errors: { subscription: `no subscription has id ${id.slice(0, 200)}` } }
      return { ok: true, input: { subscription: id } }
    },
    async preview(deps, { subscription }) {
      const s = (await subscriptionBacklog(deps.db, deps.clock.now())).find(
        (b) => b.id === subscription,
      )
      return (
        <p data-testid="subscription-preview">
          {subscription} ({s?.url ?? 'unknown URL'}) is <strong>{s?.status ?? 'gone'}</strong> with{' '}
          {s?.pending ?? 0} pending deliveries.{' '}
          {verb === 'pause'
            ? 'Pausing holds its deliveries: events keep being recorded for it, none is sent until it is resumed.'
            : 'Resuming sends what waited, in feed order, then carries on.'}
        </p>
      )
    },
    async perform(deps, { subscription }) {
      const outcome =
        verb === 'pause'
          ? { ...(await pauseSubscription(deps, subscription)), enqueued: 0 }
          : await resumeSubscription(deps, subscription)
      const audit = { subscription, outcome: outcome.kind, enqueued: outcome.enqueued }
      switch (outcome.kind) {
        case 'missing':
          return { ok: false, status: 409, audit, message: `${subscription} no longer exists.` }
        case 'conflict':
          return {
            ok: false,
            status: 409,
            audit,
            message: `${subscription} is ${outcome.subscription.status}; it cannot be ${verb}d.`,
          }
        case 'changed':
        case 'unchanged':
          return {
            ok: true,
            status: 200,
            audit,
            message: (
              <>
                {subscription} is now{' '}
                <strong data-testid="result">{outcome.subscription.status}</strong>
                {outcome.kind === 'unchanged' ? ' (it already was)' : ''}
                {verb === 'resume' ? `; ${outcome.enqueued} pending deliveries queued` : ''}.
              </>
            ),
          }
      }
    },
  })
}

export const pauseSubscriptionAction = subscriptionTransition('pause')
export const resumeSubscriptionAction = subscriptionTransition('resume')
