// Upstreams that refuse part of a request with a 4xx whose words say what they want, answering
// normally once the request is right. Used with no capability hints configured, so Sluice must
// learn from the words alone.
import { chatCompletionsOnly, hasField, startEmulator, wantsStream, writeJson, type Emulator } from './emulator-server.ts';
import { serveFault } from './faulty-upstream.ts';

/**
 * OpenAI o3 / gpt-5 for an organization that is not verified: `stream: true` gets this 400
 * (BeehiveInnovations/pal-mcp-server#134; docs/wire-formats.md 2.11).
 */
export const unverifiedOrganizationError =
  '{"error":{"message":"Your organization must be verified to stream this model. Please go to: https://platform.openai.com/settings/organization/general and click on Verify Organization. If you just verified, it can take up to 15 minutes for access to propagate.","type":"invalid_request_error","param":"stream","code":"unsupported_value"}}';

export function startUnverifiedOrganizationEmulator(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly((request, response) => {
      if (wantsStream(request)) {
        writeJson(response, 400, unverifiedOrganizationError);
        return undefined;
      }
      return serveFault('ok', request, response);
    }),
  );
}

/**
 * Mistral's API validates with pydantic and forbids extra fields: `stream_options` gets a 422 with
 * the list nested in `message` (dnakov/anon-kode#53: "The mistral API doesnt support stream_options").
 */
export const mistralStreamOptionsError =
  '{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","stream_options","include_usage"],"msg":"Extra inputs are not permitted","input":true,"url":"https://errors.pydantic.dev/2.10/v/extra_forbidden"}]},"type":"invalid_request_error","param":null,"code":null}';

export function startMistralEmulator(): Promise<Emulator> {
  return startEmulator(
    chatCompletionsOnly((request, response) => {
      if (hasField(request, 'stream_options')) {
        writeJson(response, 422, mistralStreamOptionsError);
        return undefined;
      }
      return serveFault('ok', request, response);
    }),
  );
}
