import type { AccountsPanel } from '../panels/accounts.js'
import type { ChartsPanel } from '../panels/charts.js'
import type { PipelinePanel } from '../panels/pipeline.js'
import type { StockPanel } from '../panels/stock.js'
import { Page } from '../layout.js'

type Rendered<F extends (props: never) => unknown> = ReturnType<F>

/** The console's front page: every panel, each refreshed on its own by the console's script. */
export function OverviewPage(props: {
  readonly charts: Rendered<typeof ChartsPanel>
  readonly accounts: Rendered<typeof AccountsPanel>
  readonly pipeline: Rendered<typeof PipelinePanel>
  readonly stock: Rendered<typeof StockPanel>
}) {
  return (
    <Page title="Overview">
      {props.charts}
      {props.accounts}
      <div class="grid2">
        {props.pipeline}
        {props.stock}
      </div>
    </Page>
  )
}
