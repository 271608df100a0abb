// An upstream's error in its own words may repeat the credential it refused (a relay answering
// "Incorrect API key provided: Bearer sk-…" in full). Those words reach the client, the log line,
// the log row and the set-aside reason of a key, so secrets are masked once, where errors enter.
import { GatewayError, optionsOf } from '../core/errors.ts';
import { maskSecrets } from './capture.ts';

export function maskErrorSecrets(error: GatewayError, secrets: readonly string[]): GatewayError {
  const message = maskSecrets(error.message, secrets);
  if (message === error.message) return error;
  return new GatewayError(error.code, message, optionsOf(error));
}
