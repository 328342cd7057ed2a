// Integration tests reach only this machine: the hub under test, local receivers, PostgreSQL and
// Redis. A fetch or undici request to any other host fails at once, naming it, instead of reaching
// the network. This guards the global dispatcher (Node's fetch and undici's request() use it);
// the hub's own transport has its agent, and a file that stands in for a channel's API imports
// setup-msw.ts, whose handlers answer before any connection is made. Cheaper than loading msw into
// every file: most never use it.
import { Agent, buildConnector, setGlobalDispatcher } from 'undici'

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])
const connect = buildConnector({})

setGlobalDispatcher(
  new Agent({
    connect(options, callback) {
      if (LOOPBACK.has(options.hostname) || options.hostname.startsWith('127.')) {
        connect(options, callback)
        return
      }
      callback(
        new Error(`a test tried to reach ${options.hostname}, which is not this machine`),
        null,
      )
    },
  }),
)
