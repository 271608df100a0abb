// An upstream's 404 most often means the channel's base_url is wrong, not the request: say which URL
// Sluice called (without credentials or query, which may hold a key: Gemini's `?key=`) and what
// looks wrong in it. The usual slips: an OpenAI-compatible base_url without its version
// (`https://api.x.ai` where the SDKs take `https://api.x.ai/v1`), or one that already ends in the
// endpoint (`…/v1/chat/completions`), which Sluice then appends a second time.

const chatPath = '/chat/completions';
/** A version segment as the dialects write it: `/v1`, `/v1beta`, `/v4`, `/api/v3`. */
const versionSegment = /\/v\d+[a-z]*(\/|$)/i;
/** The URL an upstream answered 404 to, and whether its dialect puts the API version in the query, not the path (the provider's `versionInQuery`). */
export interface CalledUpstream {
  url: string;
  versionInQuery: boolean;
}

export function describeUpstreamNotFound({ url: calledUrl, versionInQuery }: CalledUpstream): string {
  const shown = hideUrlSecrets(calledUrl);
  const path = safePathname(calledUrl);
  const advice = [`Sluice called ${shown} and the upstream answered 404.`];
  if (path.includes(`${chatPath}/`)) {
    advice.push(`The channel's base_url seems to contain ${chatPath} already: give the API root (for example https://api.openai.com/v1); Sluice appends the endpoint.`);
  } else if (path.endsWith(chatPath) && !versionInQuery && !versionSegment.test(path)) {
    advice.push("The channel's base_url has no version segment: OpenAI-compatible APIs usually want it to end in /v1 (for example https://api.x.ai/v1).");
  } else {
    advice.push("Check the channel's base_url, and that the upstream serves this model under the name sent (the channel's `model_map`).");
  }
  return advice.join(' ');
}

/** The URL without user, password, query and fragment. */
export function hideUrlSecrets(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.href;
  } catch {
    return '(an unreadable URL)';
  }
}

function safePathname(url: string): string {
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}
