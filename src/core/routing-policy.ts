// How channels of one priority are balanced (docs/routing.md): the config's `routing`, resolved.

export const balanceStrategies = ['weighted', 'least_busy', 'latency'] as const;
export type BalanceStrategy = (typeof balanceStrategies)[number];

export interface RoutingPolicy {
  /** The strategy of every model no `models` glob matches. */
  strategy: BalanceStrategy;
  /** Client model glob → strategy, in the order written; the first match wins. */
  models: ReadonlyArray<readonly [string, BalanceStrategy]>;
  /** A channel whose circuit closes again ramps its weight up to whole over this long (`slow_start_s`). */
  slowStartMs: number;
}
