// What Sluice cannot serve on the translated path (Anthropic's server tools, `container`,
// `mcp_servers`, file-sourced documents; docs/ingress-protocols.md §D3): a 400 naming the field, or,
// with the config switch `drop_unsupported_tools`, dropped and listed in `x-sluice-dropped-tools`.
import { refuseField } from './read-fields.ts';

export const droppedToolsHeader = 'x-sluice-dropped-tools';

const refusalHint =
  'Sluice translates /v1/messages onto any upstream and cannot run Anthropic-hosted tools or features: remove the field, or set `drop_unsupported_tools: true` in the Sluice config to drop such tools with a warning header.';

export class UnsupportedFeatures {
  readonly #drop: boolean;
  readonly dropped: string[] = [];

  constructor(drop: boolean) {
    this.#drop = drop;
  }

  /** Refuses the feature at `param` (400), or drops it when the switch is on; `name` is what the header lists. */
  refuseOrDrop(param: string, name: string, description: string): void {
    if (!this.#drop) refuseField(param, `${param}: ${description} is not supported by Sluice.`, refusalHint);
    this.dropped.push(name);
  }

  /** The warning header, when something was dropped. */
  headers(): Record<string, string> {
    return this.dropped.length === 0 ? {} : { [droppedToolsHeader]: this.dropped.join(', ') };
  }
}
