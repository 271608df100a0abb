// A tiny history router: the console has six pages, so a routing library would be most of its code.
// Paths are relative to the base Sluice serves the console at (/ui/); Sluice answers any /ui/* path
// with index.html, so a reload or a shared link lands on the same page.
import { useSyncExternalStore } from 'react';

export const basePath = '/ui';

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current location inside the console, e.g. `/logs/req_1?model=x` → `/logs/req_1`. */
function currentPath(): string {
  const path = window.location.pathname.startsWith(basePath) ? window.location.pathname.slice(basePath.length) : '/';
  return path === '' ? '/' : path;
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

export function useSearch(): string {
  return useSyncExternalStore(subscribe, () => window.location.search);
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const url = `${basePath}${path}`;
  if (options.replace === true) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  notify();
}

export function href(path: string): string {
  return `${basePath}${path}`;
}
