// Children of prom-client metrics bound once per label set: each adds to the metric's own series
// (the entry prom-client keeps under the label set's hash) without building, validating and hashing
// the labels again on every inc/observe, which prom-client 15's `labels()` children still do
// (lib/counter.js, lib/histogram.js): ~2 KB and most of the metrics' time per request
// (docs/benchmarks.md, "Non-stream CPU, round five"). The series are prom-client's, so /metrics,
// `get()`, `reset()` and `remove()` work on them as before; bind-children.test.ts holds the output
// identical to prom-client's own children and would catch a prom-client that stores them otherwise.
import { format } from 'node:util';
import type { Counter, Histogram } from 'prom-client';

type Labels = Record<string, string>;

interface CounterSeries {
  value: number;
  labels: Labels;
}

interface HistogramSeries {
  labels: Labels;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

/** What a bound child reads and writes of a prom-client 15 metric. */
interface SeriesOwner<Series> {
  hashMap: Record<string, Series | undefined>;
  labelNames: readonly string[];
  sortedLabelNames: readonly string[];
}

interface HistogramInternals extends SeriesOwner<HistogramSeries> {
  upperBounds: readonly number[];
  bucketValues: Readonly<Record<string, number>>;
}

export interface CounterChild {
  inc(value?: number): void;
}

export interface HistogramChild {
  observe(value: number): void;
}

function labelsOf(labelNames: readonly string[], values: readonly string[]): Labels {
  if (labelNames.length !== values.length) throw new Error(`${String(values.length)} label values for the labels ${labelNames.join(', ')}`);
  const labels: Labels = {};
  labelNames.forEach((name, index) => {
    labels[name] = values[index] as string;
  });
  return labels;
}

/** prom-client's key for a label set (lib/util.js hashObject): `name:value,` for each label, names sorted. */
function hashOf(sortedLabelNames: readonly string[], labels: Labels): string {
  return sortedLabelNames.map((name) => `${name}:${labels[name] ?? ''},`).join('');
}

export function bindCounter(counter: Counter, values: readonly string[]): CounterChild {
  const owner = counter as unknown as SeriesOwner<CounterSeries>;
  const labels = labelsOf(owner.labelNames, values);
  const hash = hashOf(owner.sortedLabelNames, labels);
  return {
    // The checks of Counter.inc (lib/counter.js), in its order and words.
    inc(value = 1) {
      if (value && !Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${format(value)}`);
      if (value < 0) throw new Error('It is not possible to decrease a counter');
      const series = owner.hashMap[hash];
      if (series === undefined) owner.hashMap[hash] = { value, labels };
      else series.value += value;
    },
  };
}

export function bindHistogram(histogram: Histogram, values: readonly string[]): HistogramChild {
  const owner = histogram as unknown as HistogramInternals;
  const labels = labelsOf(owner.labelNames, values);
  const hash = hashOf(owner.sortedLabelNames, labels);
  const bounds = owner.upperBounds;
  // The bucket keys as prom-client's bucketValues objects have them (a number's text), made once.
  const keys = bounds.map(String);
  return {
    // As Histogram.observe (lib/histogram.js): the series made at its first value, sum, count, and
    // the first bucket whose bound holds the value (none past the last: +Inf is the count).
    observe(value) {
      if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${format(value)}`);
      const series = owner.hashMap[hash] ?? { labels, bucketValues: { ...owner.bucketValues }, sum: 0, count: 0 };
      series.sum += value;
      series.count += 1;
      for (let bucket = 0; bucket < bounds.length; bucket += 1) {
        if (value > (bounds[bucket] as number)) continue;
        const key = keys[bucket] as string;
        series.bucketValues[key] = (series.bucketValues[key] ?? 0) + 1;
        break;
      }
      owner.hashMap[hash] = series;
    },
  };
}
