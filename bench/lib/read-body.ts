// A request's whole body as text (the mock upstream's and the collecting bare proxy's bodies are small JSON).
import type { IncomingMessage } from 'node:http';

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      resolve(Buffer.concat(parts).toString('utf8'));
    });
    request.on('error', reject);
  });
}
