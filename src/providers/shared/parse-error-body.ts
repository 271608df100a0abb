// Reads any upstream error body leniently, so the client sees the upstream's own words (seed
// problem 6: new-api showed only "bad response status code 400" for xAI's `{"error": "<string>"}`).
// Shapes seen: `{"error": "text"}` (xAI), `{"error": {message, type, code, param}}` (OpenAI and
// most compatibles), `{"message": …}` (Ollama, relays), `{"detail": "…"}` or FastAPI/Mistral's 422
// `{"detail": [{loc, msg, type}]}`, `[{"error": …}]` (Gemini arrays), plain text, HTML, empty.
import { isJsonObject } from '../../core/chat.ts';
import type { UpstreamErrorDetails } from '../../core/upstream.ts';

const maxMessageLength = 2000;

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function describeDetail(detail: unknown): string | undefined {
  if (typeof detail === 'string') return detail;
  if (!Array.isArray(detail)) return isJsonObject(detail) ? asText(detail.msg) ?? asText(detail.message) : undefined;
  const parts = detail.map((item) => {
    if (!isJsonObject(item)) return JSON.stringify(item);
    const location = Array.isArray(item.loc) ? item.loc.map(String).join('.') : undefined;
    const message = asText(item.msg) ?? asText(item.message) ?? JSON.stringify(item);
    return location === undefined ? message : `${location}: ${message}`;
  });
  return parts.join('; ');
}

function detailsFromObject(body: Record<string, unknown>): UpstreamErrorDetails | undefined {
  const error = body.error;
  if (typeof error === 'string' && error !== '') {
    return { message: error, type: undefined, code: asText(body.code), param: undefined };
  }
  if (isJsonObject(error)) {
    const message = asText(error.message) ?? describeDetail(error.details) ?? JSON.stringify(error);
    return { message, type: asText(error.type) ?? asText(error.status), code: asText(error.code), param: asText(error.param) };
  }
  // Mistral nests pydantic's list in an object: `{"object":"error","message":{"detail":[…]}}`
  // (dnakov/anon-kode#53, nomtek/mistralai_client_dart#44).
  const nested = isJsonObject(body.message) ? describeDetail(body.message.detail) : undefined;
  const message = asText(body.message) ?? nested ?? describeDetail(body.detail) ?? asText(body.error_message);
  if (message === undefined) return undefined;
  return { message, type: asText(body.type) ?? asText(body.error_type), code: asText(body.code), param: asText(body.param) };
}

function textFromHtml(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const text = (title ?? html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
  return text;
}

function truncate(text: string): string {
  return text.length > maxMessageLength ? `${text.slice(0, maxMessageLength)}…` : text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function parseErrorBody(status: number, bodyText: string): UpstreamErrorDetails {
  const trimmed = bodyText.trim();
  if (trimmed === '') {
    return { message: `HTTP ${status} with an empty body`, type: undefined, code: undefined, param: undefined };
  }
  const json: unknown = parseJson(trimmed);
  const candidate: unknown = Array.isArray(json) ? json[0] : json;
  if (isJsonObject(candidate)) {
    const details = detailsFromObject(candidate);
    if (details !== undefined) return { ...details, message: truncate(details.message) };
  }
  const looksLikeHtml = /^<(!doctype|html|head|body)/i.test(trimmed);
  const message = looksLikeHtml ? textFromHtml(trimmed) : trimmed;
  return { message: truncate(message), type: undefined, code: undefined, param: undefined };
}
