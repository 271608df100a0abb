// What the log's way out to stdout lost (src/server/log-loss.ts, log-output.ts), as a counter an operator can alert on.
import { Counter, type Registry } from './prom-client-parts.ts';

/**
 * sluice_log_lines_dropped_total: log lines stdout did not take in time or refused (server/log-loss.ts),
 * read from the logger's tally when /metrics is scraped.
 */
export function countLostLogLines(registry: Registry, readLines: () => number): void {
  let counted = 0;
  const lost: Counter = new Counter({
    name: 'sluice_log_lines_dropped_total',
    help: 'Log lines dropped because stdout fell too far behind the log or refused the write (see the warning line that follows a loss)',
    registers: [registry],
    collect() {
      const lines = readLines();
      if (lines > counted) lost.inc(lines - counted);
      counted = lines;
    },
  });
}
