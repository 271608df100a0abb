// Client keys from config: `Authorization: Bearer <key>`. With no keys configured every caller is
// allowed (Sluice then listens on loopback only; see check-listen.ts).
import { createHash } from 'node:crypto';
import { GatewayError } from '../core/errors.ts';
import { matchesGlob } from '../lib/match-glob.ts';

export interface ClientKeySpec {
  name: string;
  key: string;
  models: string[];
}

export interface Caller {
  keyName: string | undefined;
  models: readonly string[];
}

const anyone: Caller = { keyName: undefined, models: ['*'] };

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function createAuthenticator(keys: readonly ClientKeySpec[]): (authorization: string | undefined) => Caller {
  // Looked up by digest, so neither a timing nor a map probe compares the key itself.
  const known = new Map(keys.map((key) => [digest(key.key), key]));
  return (authorization) => {
    if (known.size === 0) return anyone;
    const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '');
    if (match?.[1] === undefined) throw new GatewayError('missing_api_key', 'No API key was given: send `Authorization: Bearer <key>`.');
    const found = known.get(digest(match[1].trim()));
    if (found === undefined) throw new GatewayError('invalid_api_key', 'The API key is not valid.');
    return { keyName: found.name, models: found.models };
  };
}

export function authorizeModel(caller: Caller, model: string): void {
  if (!caller.models.some((glob) => matchesGlob(glob, model))) {
    throw new GatewayError('model_not_allowed', `This key may not use the model '${model}'.`, { param: 'model' });
  }
}
