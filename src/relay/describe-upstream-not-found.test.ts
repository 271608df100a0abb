import { describe, expect, it } from 'vitest';
import { describeUpstreamNotFound, hideUrlSecrets } from './describe-upstream-not-found.ts';
import { errorFromUpstream } from './upstream-error.ts';
import { azureProvider } from '../providers/azure/index.ts';

const details = { message: 'Not Found', type: undefined, code: undefined, param: undefined };
const openai = (url: string) => ({ url, versionInQuery: false });

describe('describeUpstreamNotFound', () => {
  it('says the base_url lacks /v1 when an OpenAI-style path has no version segment', () => {
    expect(describeUpstreamNotFound(openai('https://api.x.ai/chat/completions'))).toBe(
      'Sluice called https://api.x.ai/chat/completions and the upstream answered 404. ' +
        "The channel's base_url has no version segment: OpenAI-compatible APIs usually want it to end in /v1 (for example https://api.x.ai/v1).",
    );
  });

  it('says the base_url already contains /chat/completions when the endpoint is doubled', () => {
    expect(describeUpstreamNotFound(openai('https://api.deepseek.com/v1/chat/completions/chat/completions'))).toMatch(
      /^Sluice called https:\/\/api\.deepseek\.com\/v1\/chat\/completions\/chat\/completions and the upstream answered 404\. The channel's base_url seems to contain \/chat\/completions already/,
    );
  });

  it('points at base_url and model_map when the URL looks right, and asks no version of a dialect that puts it in the query (Azure)', () => {
    for (const called of [openai('https://api.openai.com/v1/chat/completions'), { url: 'https://r.openai.azure.com/openai/deployments/o3/chat/completions?api-version=2024-10-21', versionInQuery: azureProvider.versionInQuery === true }]) {
      expect(describeUpstreamNotFound(called)).toMatch(/answered 404\. Check the channel's base_url, and that the upstream serves this model/);
    }
  });

  it('never shows credentials or the query (a key may be in it)', () => {
    const shown = describeUpstreamNotFound(openai('https://user:secret@generativelanguage.googleapis.com/v1beta/models/g:generateContent?key=AIzaSECRET#x'));
    expect(shown).toContain('https://generativelanguage.googleapis.com/v1beta/models/g:generateContent ');
    expect(shown).not.toMatch(/secret|AIza|key=|user/i);
    expect(hideUrlSecrets('not a url')).toBe('(an unreadable URL)');
  });
});

describe('errorFromUpstream on a 404', () => {
  it('keeps the status and gives the hint with the URL called', () => {
    const error = errorFromUpstream('xai', 404, details, undefined, openai('https://api.x.ai/chat/completions'));
    expect([error.status, error.code]).toEqual([404, 'upstream_rejected']);
    expect(error.hint).toMatch(/^Sluice called https:\/\/api\.x\.ai\/chat\/completions .*end in \/v1/);
  });
});
