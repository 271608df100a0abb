import type { Store } from '../../../src/store/ports.ts';

/** What the store suite's cases get: the running test's store and a clock they control. */
export interface SuiteContext {
  store(): Store;
  now(): number;
  advance(milliseconds: number): void;
  /** Closes the store and opens its database again, as a restart would. */
  reopen(): Promise<Store>;
  /** A second store on the same database, opened so that every write fails; the caller closes it. */
  openReadOnly(): Promise<Store>;
}
