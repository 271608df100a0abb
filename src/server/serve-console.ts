// Serves the admin console (web/, built by Vite to web/dist) at /ui: the built files with their
// content types, and index.html for any other /ui path, so the console's own routes survive a
// reload. A few static files need no plugin (@fastify/static would be the only new dependency).
// Only regular files whose real path (symlinks followed) is inside the build folder are served.
import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, RawServerDefault } from 'fastify';
import { allow } from './route-access.ts';
import { consoleSecurityHeaders, setSecurityHeaders } from './security-headers.ts';

const builtConsole = fileURLToPath(new URL('../../web/dist', import.meta.url));

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const notBuiltPage = `<!doctype html><meta charset="utf-8"><title>Sluice console</title>
<p>The admin console is not built. Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it) and reload.</p>`;

/**
 * The file's bytes when its real path is a regular file inside the build folder's real path; a
 * symlink (or `..`) leading anywhere else reads as absent.
 */
async function readInside(root: string, path: string): Promise<Buffer | undefined> {
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(path)]);
    if (!realFile.startsWith(`${realRoot}${sep}`)) return undefined;
    if (!(await stat(realFile)).isFile()) return undefined;
    return await readFile(realFile);
  } catch {
    return undefined;
  }
}

async function sendIndex(reply: FastifyReply, directory: string): Promise<FastifyReply> {
  const index = await readInside(directory, resolve(directory, 'index.html'));
  if (index === undefined) return reply.code(503).type(contentTypes['.html'] ?? 'text/html').header('cache-control', 'no-store').send(notBuiltPage);
  // index.html names the current hashed assets, so it is never cached.
  return reply.type(contentTypes['.html'] ?? 'text/html').header('cache-control', 'no-cache').send(index);
}

/** Whether the console is built (the start-up banner says how to build it when it is not). */
export function isConsoleBuilt(directory: string = builtConsole): boolean {
  return existsSync(resolve(directory, 'index.html'));
}

export function serveConsole<Log extends FastifyBaseLogger>(app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Log>, directory: string = builtConsole): void {
  const root = resolve(directory);
  // A route hook: it runs before the handler, so a 404 or an error from these routes has them too.
  const onRequest = async (_request: unknown, reply: FastifyReply): Promise<void> => {
    setSecurityHeaders(reply, consoleSecurityHeaders);
  };
  const route = { ...allow('public'), onRequest };
  app.get('/', route, async (_request, reply) => reply.redirect('/ui/'));
  app.get('/ui', route, async (_request, reply) => reply.redirect('/ui/'));
  app.get<{ Params: { '*': string } }>('/ui/*', route, async (request, reply) => {
    const wanted = request.params['*'];
    const path = resolve(root, wanted);
    const inside = path.startsWith(`${root}${sep}`);
    const extension = extname(wanted);
    if (inside && extension !== '') {
      const file = await readInside(root, path);
      if (file === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
      // Vite puts a content hash in every asset name, so an asset never changes under its URL.
      const cache = wanted.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      return reply
        .type(contentTypes[extension] ?? 'application/octet-stream')
        .header('cache-control', cache)
        .send(file);
    }
    // A console route (/ui/logs/req_1): the app reads the path itself.
    return sendIndex(reply, root);
  });
}
