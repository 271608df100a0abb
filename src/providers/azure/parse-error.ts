// Azure's error bodies are OpenAI's plus `innererror`. A prompt the content filter blocked is a
// 400 with code `content_filter` and the categories that fired (docs/wire-formats.md 2.1): the message
// names them, so the client knows why without reading Azure's portal.
import { isJsonObject } from '../../core/chat.ts';
import type { UpstreamErrorDetails } from '../../core/upstream.ts';
import { parseErrorBody } from '../shared/parse-error-body.ts';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `{"hate":{"filtered":true,"severity":"medium"},"jailbreak":{"filtered":true,"detected":true}}` → "hate (medium), jailbreak". */
export function describeFilteredCategories(result: unknown): string {
  if (!isJsonObject(result)) return '';
  const fired = Object.entries(result).filter(([, verdict]) => isJsonObject(verdict) && verdict.filtered === true);
  return fired
    .map(([category, verdict]) => {
      const severity = isJsonObject(verdict) && typeof verdict.severity === 'string' ? verdict.severity : undefined;
      return severity === undefined ? category : `${category} (${severity})`;
    })
    .join(', ');
}

export function parseAzureError(status: number, bodyText: string): UpstreamErrorDetails {
  const details = parseErrorBody(status, bodyText);
  if (details.code !== 'content_filter') return details;
  const body = parseJson(bodyText);
  const error = isJsonObject(body) && isJsonObject(body.error) ? body.error : {};
  const inner = isJsonObject(error.innererror) ? error.innererror : {};
  const categories = describeFilteredCategories(inner.content_filter_result);
  const suffix = categories === '' ? 'Azure content filter' : `Azure content filter: ${categories}`;
  return { ...details, message: `${details.message} (${suffix})` };
}
