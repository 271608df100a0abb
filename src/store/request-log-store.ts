// The request log: appended in batches by log-writer.ts, read by the admin API.
import type { ExpressionBuilder, Kysely } from 'kysely';
import { decodeCursor, encodeCursor, type LogPosition } from './log-cursor.ts';
import type { PageRequest, RequestLogFilter, RequestLogPage, RequestLogStore } from './ports.ts';
import { fromLogTableRow, toLogTableRow } from './request-log-rows.ts';
import type { Database } from './schema.ts';
import { bucketRequestLogs, summarizeRequestLogs } from './summarize-request-logs.ts';
import { summarizeSpend } from './summarize-spend.ts';

export const defaultPageSize = 50;
export const maxPageSize = 500;
/**
 * Rows per INSERT: 21 parameters each stays under SQLite's 32,766 and PostgreSQL's 65,535 bound
 * parameters whatever batch size the log writer is given.
 */
const rowsPerInsert = 500;

type LogExpressions = ExpressionBuilder<Database, 'request_logs'>;

/** The WHERE clause of a filter, as one conjunction. */
function matchFilter(eb: LogExpressions, filter: RequestLogFilter) {
  const conditions = [];
  if (filter.since !== undefined) conditions.push(eb('time', '>=', filter.since));
  if (filter.until !== undefined) conditions.push(eb('time', '<', filter.until));
  if (filter.keyName !== undefined) conditions.push(eb('key_name', '=', filter.keyName));
  if (filter.channel !== undefined) conditions.push(eb('channel', '=', filter.channel));
  if (filter.status !== undefined) conditions.push(eb('status', '=', filter.status));
  if (filter.model !== undefined) {
    conditions.push(eb.or([eb('client_model', '=', filter.model), eb('upstream_model', '=', filter.model)]));
  }
  if (filter.errorsOnly === true) conditions.push(eb.or([eb('status', '>=', 400), eb('error_code', 'is not', null)]));
  return eb.and(conditions);
}

/** Older than the position in (time, id) order: the rows of the pages after it. */
function comesAfter(eb: LogExpressions, position: LogPosition) {
  return eb.or([eb('time', '<', position.time), eb.and([eb('time', '=', position.time), eb('id', '<', position.id)])]);
}

function clampPageSize(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return defaultPageSize;
  return Math.min(maxPageSize, Math.max(1, Math.trunc(limit)));
}

export function createRequestLogStore(db: Kysely<Database>, now: () => number = Date.now): RequestLogStore {
  return {
    async append(rows) {
      if (rows.length === 0) return;
      const tableRows = rows.map(toLogTableRow);
      // One transaction: a batch lands whole or not at all, and SQLite syncs once per batch.
      await db.transaction().execute(async (transaction) => {
        for (let start = 0; start < tableRows.length; start += rowsPerInsert) {
          await transaction.insertInto('request_logs').values(tableRows.slice(start, start + rowsPerInsert)).execute();
        }
      });
    },

    async get(requestId) {
      const row = await db
        .selectFrom('request_logs')
        .selectAll()
        .where('request_id', '=', requestId)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? undefined : fromLogTableRow(row);
    },

    async list(filter: RequestLogFilter = {}, page: PageRequest = {}): Promise<RequestLogPage> {
      const limit = clampPageSize(page.limit);
      const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
      let query = db
        .selectFrom('request_logs')
        .selectAll()
        .where((eb) => matchFilter(eb, filter));
      if (after !== undefined) query = query.where((eb) => comesAfter(eb, after));
      const rows = await query.orderBy('time', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      const pageRows = rows.slice(0, limit);
      const last = pageRows.at(-1);
      const nextCursor = rows.length > limit && last !== undefined ? encodeCursor({ time: last.time, id: last.id }) : undefined;
      return { rows: pageRows.map(fromLogTableRow), nextCursor };
    },

    summarize(window) {
      return summarizeRequestLogs(db, { since: window.since, until: window.until ?? now() });
    },

    spend(window) {
      return summarizeSpend(db, { since: window.since, until: window.until ?? now() });
    },

    timeline(window, buckets) {
      return bucketRequestLogs(db, { since: window.since, until: window.until ?? now() }, buckets);
    },

    async prune(cut) {
      // Small batches by id, oldest first, through the (time, id) index: each statement holds its
      // locks (SQLite: the whole database) for a bounded time, whatever has piled up. Captures are
      // cleared only on rows that stay (migration 0003 indexes them by time).
      const expired = db.selectFrom('request_logs').select('id').where('time', '<', cut.logsBefore).orderBy('time').limit(cut.batchRows);
      const deleted = await db.deleteFrom('request_logs').where('id', 'in', expired).executeTakeFirst();
      const captured = db
        .selectFrom('request_logs')
        .select('id')
        .where('time', '<', cut.capturesBefore)
        .where('time', '>=', cut.logsBefore)
        .where('capture', 'is not', null)
        .orderBy('time')
        .limit(cut.batchRows);
      const cleared = await db.updateTable('request_logs').set({ capture: null }).where('id', 'in', captured).executeTakeFirst();
      return { deletedRows: Number(deleted.numDeletedRows), clearedCaptures: Number(cleared.numUpdatedRows) };
    },
  };
}
