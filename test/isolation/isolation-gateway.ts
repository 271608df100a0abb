// What the isolation tests share: an upstream that answers every chat call after a delay with the
// usage a test chooses (as a billing upstream reports it), and a Sluice in front of it with an
// admin key, started from YAML as an operator writes it.
import type { ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { parseConfig } from '../../src/config/index.ts';
import { startSluice } from '../../src/server/start-sluice.ts';
import { chatCompletionsOnly, startEmulator, type Emulator, type ReceivedRequest } from '../emulators/emulator-server.ts';
import { createAdminClient, type AdminCall } from '../support/admin-client.ts';

export interface UsageUpstreamOptions {
  delayMs: number;
  /** The usage the upstream reports for a request. */
  usage: (request: ReceivedRequest) => { prompt: number; completion: number };
  /** Requests the upstream answers with a 400 instead (a refusal Sluice passes back). */
  refuse?: (request: ReceivedRequest) => boolean;
}

export function startUsageUpstream(options: UsageUpstreamOptions): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly(async (request, response: ServerResponse) => {
      await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (options.refuse?.(request) === true) {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: 'This request is not allowed here.', type: 'invalid_request_error', param: null, code: null } }));
        return;
      }
      const { prompt, completion } = options.usage(request);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'chatcmpl-isolation',
          object: 'chat.completion',
          created: 1_700_000_000,
          model: typeof request.body?.model === 'string' ? request.body.model : '',
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
        }),
      );
    }),
  );
}

export const adminKey = 'sk-admin-isolation';

export interface IsolationGateway {
  url: string;
  admin: AdminCall;
  /** An OpenAI client with this key. */
  clientFor(key: string): OpenAI;
  close(): Promise<void>;
}

/** Sluice with one channel `up` serving models `m` and `other`; `extraYaml` adds top-level fields. */
export async function startIsolationGateway(upstreamUrl: string, extraYaml = ''): Promise<IsolationGateway> {
  const yaml = `admin_key: ${adminKey}
channels:
  - { name: up, type: openai, base_url: "${upstreamUrl}", api_key: k, models: [m, other] }
retry: { attempts: 1 }
${extraYaml}`;
  const sluice = await startSluice(parseConfig(yaml, { file: 'test.yaml', env: {} }), { port: 0, store: 'sqlite::memory:' });
  return {
    url: sluice.url,
    admin: createAdminClient(sluice.url, adminKey),
    clientFor: (key) => new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 }),
    close: () => sluice.close(),
  };
}

export interface Outcome {
  status: number;
  code: string | undefined;
  retryAfter: string | undefined;
}

/** Runs a call and reports how it ended: 200, or the error's status, code and Retry-After. */
export async function outcomeOf(call: Promise<unknown>): Promise<Outcome> {
  try {
    await call;
    return { status: 200, code: undefined, retryAfter: undefined };
  } catch (error) {
    if (error instanceof OpenAI.APIError) {
      const headers = error.headers as Headers | undefined;
      return { status: error.status ?? 0, code: typeof error.code === 'string' ? error.code : undefined, retryAfter: headers?.get('retry-after') ?? undefined };
    }
    throw error;
  }
}
