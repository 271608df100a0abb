// A small SVG line chart: time on x, one or more series on y, a hover read-out. Hand-rolled so the
// console carries no chart library (the dashboard needs lines and nothing else).
import { useEffect, useRef, useState, type ReactNode } from 'react';

export interface Series {
  name: string;
  /** A CSS colour, usually a theme variable. */
  color: string;
  /** One value per point of `times`; null where there is no sample. */
  values: readonly (number | null)[];
}

export interface LineChartProps {
  title: string;
  times: readonly number[];
  series: readonly Series[];
  format: (value: number) => string;
  height?: number;
  emptyText: string;
}

const margin = { top: 10, right: 12, bottom: 22, left: 52 };

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 2, 2.5, 5, 10];
  const step = steps.find((candidate) => candidate * magnitude >= value) ?? 10;
  return step * magnitude;
}

function clockLabel(time: number, spanMs: number): string {
  const date = new Date(time);
  const hours = String(date.getHours()).padStart(2, '0');
  const minutes = String(date.getMinutes()).padStart(2, '0');
  if (spanMs > 2 * 86_400_000) return `${date.getMonth() + 1}/${date.getDate()} ${hours}h`;
  return `${hours}:${minutes}`;
}

function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const element = ref.current;
    if (element === null) return undefined;
    const observer = new ResizeObserver((entries) => {
      const next = entries[0]?.contentRect.width;
      if (next !== undefined && next > 0) setWidth(Math.round(next));
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
    };
  }, []);
  return [ref, width];
}

function linePath(values: readonly (number | null)[], x: (index: number) => number, y: (value: number) => number): string {
  let path = '';
  let drawing = false;
  values.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) {
      drawing = false;
      return;
    }
    path += `${drawing ? 'L' : 'M'}${x(index).toFixed(1)},${y(value).toFixed(1)}`;
    drawing = true;
  });
  return path;
}

/** Points with no neighbour to draw a line to: shown as dots, or a lone sample would be invisible. */
function isolatedPoints(values: readonly (number | null)[]): number[] {
  const present = (index: number): boolean => {
    const value = values[index];
    return value !== null && value !== undefined && Number.isFinite(value);
  };
  return values.flatMap((_, index) => (present(index) && !present(index - 1) && !present(index + 1) ? [index] : []));
}

export function LineChart({ title, times, series, format, height = 180, emptyText }: LineChartProps): ReactNode {
  const [containerRef, width] = useWidth();
  const [hover, setHover] = useState<number | undefined>(undefined);
  const values = series.flatMap((entry) => entry.values.filter((value): value is number => value !== null && Number.isFinite(value)));
  const top = niceMax(Math.max(0, ...values));
  const plotWidth = Math.max(10, width - margin.left - margin.right);
  const plotHeight = height - margin.top - margin.bottom;
  const count = times.length;
  const x = (index: number): number => margin.left + (count <= 1 ? plotWidth / 2 : (index / (count - 1)) * plotWidth);
  const y = (value: number): number => margin.top + plotHeight - (value / top) * plotHeight;
  const first = times[0] ?? 0;
  const span = (times[count - 1] ?? first) - first;
  const tickIndexes = count <= 1 ? [0] : [0, Math.round((count - 1) / 2), count - 1];
  const hovered = hover === undefined ? undefined : times[hover];

  return (
    <figure className="chart" ref={containerRef}>
      <figcaption className="chart-title">
        <span>{title}</span>
        <span className="chart-legend">
          {series.map((entry) => (
            <span key={entry.name} className="legend-item">
              <span className="legend-swatch" style={{ background: entry.color }} />
              {entry.name}
            </span>
          ))}
        </span>
      </figcaption>
      {values.length === 0 ? (
        <div className="chart-empty" style={{ height }}>
          {emptyText}
        </div>
      ) : (
        <svg
          width={width}
          height={height}
          role="img"
          aria-label={title}
          onMouseLeave={() => {
            setHover(undefined);
          }}
          onMouseMove={(event) => {
            const box = event.currentTarget.getBoundingClientRect();
            const offset = event.clientX - box.left - margin.left;
            const index = count <= 1 ? 0 : Math.round((offset / plotWidth) * (count - 1));
            setHover(Math.min(count - 1, Math.max(0, index)));
          }}
        >
          {[0, 0.5, 1].map((fraction) => (
            <g key={fraction}>
              <line className="chart-grid" x1={margin.left} x2={margin.left + plotWidth} y1={y(top * fraction)} y2={y(top * fraction)} />
              <text className="chart-axis" x={margin.left - 6} y={y(top * fraction) + 4} textAnchor="end">
                {format(top * fraction)}
              </text>
            </g>
          ))}
          {tickIndexes.map((index) => (
            <text key={index} className="chart-axis" x={x(index)} y={height - 6} textAnchor={index === 0 ? 'start' : index === count - 1 ? 'end' : 'middle'}>
              {clockLabel(times[index] ?? first, span)}
            </text>
          ))}
          {series.map((entry) => (
            <g key={entry.name}>
              <path d={linePath(entry.values, x, y)} fill="none" stroke={entry.color} strokeWidth={1.8} strokeLinejoin="round" />
              {isolatedPoints(entry.values).map((index) => (
                <circle key={index} className="chart-dot" cx={x(index)} cy={y(entry.values[index] ?? 0)} r={2.5} fill={entry.color} />
              ))}
            </g>
          ))}
          {hover !== undefined && hovered !== undefined && (
            <g>
              <line className="chart-cursor" x1={x(hover)} x2={x(hover)} y1={margin.top} y2={margin.top + plotHeight} />
              {series.map((entry) => {
                const value = entry.values[hover];
                return value === null || value === undefined ? null : <circle key={entry.name} cx={x(hover)} cy={y(value)} r={3} fill={entry.color} />;
              })}
            </g>
          )}
        </svg>
      )}
      {hover !== undefined && hovered !== undefined && (
        <div className="chart-readout">
          {clockLabel(hovered, 0)}
          {series.map((entry) => {
            const value = entry.values[hover];
            return (
              <span key={entry.name}>
                {' · '}
                {entry.name} {value === null || value === undefined ? '–' : format(value)}
              </span>
            );
          })}
        </div>
      )}
    </figure>
  );
}
