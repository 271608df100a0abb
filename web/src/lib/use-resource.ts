// Loads data for a page, optionally again every `refreshMs`; keeps the last good data while a reload
// runs or fails, so a page does not flash empty on each refresh.
import { useCallback, useEffect, useEffectEvent, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** When the data was loaded (epoch ms): "now" for whatever the page judges by time. */
  loadedAt: number;
  reload: () => void;
}

export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, dependencies: readonly unknown[], refreshMs?: number): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [loadedAt, setLoadedAt] = useState(0);
  const [generation, setGeneration] = useState(0);
  // The latest `load` without restarting the effect on each render; `dependencies` say when to reload.
  const loadLatest = useEffectEvent((signal: AbortSignal) => load(signal));

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = (): void => {
      setLoading(true);
      loadLatest(controller.signal).then(
        (value) => {
          if (controller.signal.aborted) return;
          setData(value);
          setLoadedAt(Date.now());
          setError(undefined);
          setLoading(false);
          if (refreshMs !== undefined) timer = setTimeout(run, refreshMs);
        },
        (reason: unknown) => {
          if (controller.signal.aborted) return;
          setError(reason);
          setLoading(false);
          if (refreshMs !== undefined) timer = setTimeout(run, refreshMs);
        },
      );
    };
    run();
    return () => {
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller lists what the load depends on
  }, [...dependencies, refreshMs, generation]);

  const reload = useCallback(() => {
    setGeneration((value) => value + 1);
  }, []);
  return { data, error, loading, loadedAt, reload };
}
