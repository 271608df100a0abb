// The load client's options for streamed chat requests to the bench's mock upstream (test/bench).
import type { RunningMock } from '../../bench/mock-upstream.ts';

export function streamsFrom(mock: RunningMock) {
  return {
    host: '127.0.0.1',
    port: mock.port,
    path: '/v1/chat/completions',
    headers: {},
    body: JSON.stringify({ model: 'bench-model', stream: true }),
    stream: true,
  } as const;
}
