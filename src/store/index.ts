export { computePercentiles } from './compute-percentiles.ts';
export { generateKey, hashKey, readKeyPrefix } from './hash-key.ts';
export { InvalidCursorError } from './log-cursor.ts';
export {
  createLogWriter,
  defaultLogWriterPolicy,
  type LogWriter,
  type LogWriterCounts,
  type LogWriterOptions,
  type LogWriterPolicy,
} from './log-writer.ts';
export { openStore, type StoreOptions } from './open-store.ts';
export { defaultPruneSchedule, startLogRetention, type LogRetention, type RetentionPolicy } from './prune-request-logs.ts';
export { parseStoreUrl, type StoreLocation } from './parse-store-url.ts';
export { logThreadBatchRows, startLogThread, type LogThread, type LogThreadOptions } from './start-log-thread.ts';
export { createSecretSealer, isSealed, type SecretSealer } from './seal-channel-secrets.ts';
export type * from './ports.ts';
export { defaultPageSize, maxPageSize } from './request-log-store.ts';
export { StoreOpenError } from './explain-open-failure.ts';
export { isStoreConflictError, isStoreUnavailableError, StoreConflictError, StoreUnavailableError } from './store-errors.ts';
