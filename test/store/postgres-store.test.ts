// The store suite against a real PostgreSQL, started once per run by postgres-global-setup.ts.
// Each test gets a database of its own. If the server could not start, this file fails with why.
import { Client } from 'pg';
import { inject } from 'vitest';
import { describeStoreSuite } from './suite/describe-store-suite.ts';

const provided = inject('postgres');
if ('error' in provided) throw new Error(`PostgreSQL for the store suite is not available:\n${provided.error}`);
const serverUrl = provided.url;
let databases = 0;

async function createDatabase(): Promise<string> {
  databases += 1;
  const name = `sluice_test_${process.pid}_${databases}`;
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

describeStoreSuite('postgres', createDatabase);
