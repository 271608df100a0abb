// What Sluice cannot serve on the translated path (docs/ingress-protocols.md §D3). Anthropic's server
// tools, their blocks in the history, `container` and `mcp_servers` run only on Anthropic: they are
// left out of the translated request, a try on an Anthropic channel sends them as the client wrote
// them (pass-through), and a translated try answers the 400 kept here, or, with the config switch
// `drop_unsupported_tools`, goes without them and lists them in `x-sluice-dropped-tools`.
// File-sourced blocks name objects of an Anthropic account Sluice does not serve (the Files API):
// refused (or dropped) on every path.
import { GatewayError } from '../../core/errors.ts';
import type { Untranslatable } from '../../core/ingress-codec.ts';
import { refuseField } from './read-fields.ts';

export const droppedToolsHeader = 'x-sluice-dropped-tools';

const refusalHint =
  'Sluice runs Anthropic-hosted tools and features only by passing the request to an `anthropic` channel: serve the model from one, remove the field, or set `drop_unsupported_tools: true` in the Sluice config to drop such tools with a warning header.';

const fileHint = 'Sluice does not serve the Files API: send the content inline (base64, text or a URL source), or set `drop_unsupported_tools: true` in the Sluice config to drop such blocks with a warning header.';

export class UnsupportedFeatures {
  readonly #drop: boolean;
  readonly dropped: string[] = [];
  /** Without the switch: the 400 a translated try answers with, for the first feature left out. */
  refusal: GatewayError | undefined;

  constructor(drop: boolean) {
    this.#drop = drop;
  }

  /** A feature only Anthropic runs, at `param`: left out of the translated request; `name` is what the header lists. */
  leaveOut(param: string, name: string, description: string): void {
    if (!this.#drop) this.refusal ??= new GatewayError('invalid_request', `${param}: ${description} runs only on Anthropic, and this request was not sent to an Anthropic channel.`, { param, hint: refusalHint });
    this.dropped.push(name);
  }

  /** Refuses the feature at `param` on every path (400), or drops it when the switch is on. */
  refuseOrDrop(param: string, name: string, description: string): void {
    if (!this.#drop) refuseField(param, `${param}: ${description} is not supported by Sluice.`, fileHint);
    this.dropped.push(name);
  }

  /** What a translated try does about what was left out; undefined when nothing was. */
  untranslatable(): Untranslatable | undefined {
    if (this.dropped.length === 0) return undefined;
    return { refusal: this.refusal, headers: { [droppedToolsHeader]: this.dropped.join(', ') } };
  }
}
