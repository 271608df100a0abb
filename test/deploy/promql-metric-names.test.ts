import { describe, expect, it } from 'vitest';
import { readMetricNames } from './promql-metric-names.ts';

describe('readMetricNames', () => {
  it('reads the metrics of a quantile over a histogram, not its functions, labels or variables', () => {
    expect(readMetricNames('histogram_quantile(0.99, sum by (le, model) (rate(sluice_x_seconds_bucket{instance=~"$instance", model!="a{b}"}[$__rate_interval])))')).toEqual(['sluice_x_seconds_bucket']);
  });

  it('reads both sides of a binary operation with vector matching, and ignores numbers and keywords', () => {
    expect(readMetricNames('sum(rate(a_total[5m])) / on (job) group_left (model) sum without (le) (b_count offset 1h) * 3600 > bool 1e3')).toEqual(['a_total', 'b_count']);
  });

  it('reads __name__ selectors and subqueries', () => {
    expect(readMetricNames('max_over_time({__name__="sluice_up", job="x"}[1h:5m]) or vector(0)')).toEqual(['sluice_up']);
  });
});
