// Anthropic content blocks → Chat content parts (docs/ingress-protocols.md §D3): text as text
// (`cache_control` and citations dropped), images as `image_url` (base64 → a data URL, a URL kept),
// base64 and text documents as a `file` part or text. File-sourced images and documents need
// Anthropic's Files API, which no other upstream has.
import { isJsonObject, type JsonObject } from '../../core/chat.ts';
import { readObject, readString, refuseField } from './read-fields.ts';
import type { UnsupportedFeatures } from './unsupported-features.ts';

/** `{type: 'base64', media_type, data}` → `data:<type>;base64,<data>`; a URL source as it is. */
function readSourceUrl(block: JsonObject, param: string, unsupported: UnsupportedFeatures): string | undefined {
  const source = readObject(block.source, `${param}.source`);
  if (source.type === 'base64') return `data:${readString(source.media_type, `${param}.source.media_type`)};base64,${readString(source.data, `${param}.source.data`)}`;
  if (source.type === 'url') return readString(source.url, `${param}.source.url`);
  unsupported.refuseOrDrop(`${param}.source`, `${String(block.type)}:${String(source.type)}`, `a ${String(block.type)} block with a '${String(source.type)}' source`);
  return undefined;
}

function convertDocument(block: JsonObject, param: string, unsupported: UnsupportedFeatures): JsonObject | undefined {
  const source = readObject(block.source, `${param}.source`);
  if (source.type === 'text') return { type: 'text', text: readString(source.data, `${param}.source.data`) };
  if (source.type === 'content') return { type: 'text', text: readBlockTexts(source.content) };
  const url = readSourceUrl(block, param, unsupported);
  if (url === undefined) return undefined;
  const file: JsonObject = source.type === 'base64' ? { file_data: url } : { file_url: url };
  if (typeof block.title === 'string') file.filename = block.title;
  return { type: 'file', file };
}

/** The text blocks of a content value (string, or blocks), joined: tool results, search results. */
export function readBlockTexts(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isJsonObject)
    .map((block) => (block.type === 'text' && typeof block.text === 'string' ? block.text : block.type === 'search_result' ? readBlockTexts(block.content) : ''))
    .filter((text) => text !== '')
    .join('\n');
}

/** One user-side block (text, image, document, search_result) → a Chat part, or undefined when dropped. */
export function convertUserBlock(block: JsonObject, param: string, unsupported: UnsupportedFeatures): JsonObject | undefined {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: readString(block.text, `${param}.text`) };
    case 'image': {
      const url = readSourceUrl(block, param, unsupported);
      return url === undefined ? undefined : { type: 'image_url', image_url: { url } };
    }
    case 'document':
      return convertDocument(block, param, unsupported);
    case 'search_result':
      return { type: 'text', text: [block.title, block.source, readBlockTexts(block.content)].filter((part) => typeof part === 'string' && part !== '').join('\n') };
    case 'thinking':
    case 'redacted_thinking':
      // Only an assistant turn carries reasoning; a client replaying it elsewhere loses nothing by the drop.
      return undefined;
    default:
      return refuseField(`${param}.type`, `${param}.type: '${String(block.type)}' blocks are not supported in a user turn.`);
  }
}
