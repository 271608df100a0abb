// Responses tools → Chat Completions tools (docs/ingress-protocols.md §D2): function tools lose
// their flat shape, a `custom` (freeform) tool becomes a function taking `{input: string}` with its
// grammar in the description (its calls map back to `custom_tool_call`), `namespace` tools are
// flattened, hosted tools are refused or dropped (refuse-unsupported.ts).
import { isJsonObject, type JsonObject } from '../../core/chat.ts';
import { dropHostedTool, type HostedPolicy } from './refuse-unsupported.ts';
import type { ResponsesRequest, ResponsesTool } from './request-schema.ts';

export interface ChatTool extends JsonObject {
  type: 'function';
  function: JsonObject & { name: string };
}

export interface ConvertedTools {
  tools: ChatTool[];
  /** Names of the custom (freeform) tools: their calls go back as `custom_tool_call`. */
  customNames: Set<string>;
}

/** The parameters a custom tool's function takes: its whole input as one string. */
export const customToolParameters = Object.freeze({
  type: 'object',
  properties: { input: { type: 'string', description: 'The raw input for this tool, in the format described.' } },
  required: ['input'],
  additionalProperties: false,
});

function describeCustomTool(tool: JsonObject): string {
  const parts = [typeof tool['description'] === 'string' ? tool['description'] : ''];
  const format = tool['format'];
  if (isJsonObject(format) && format['type'] === 'grammar' && typeof format['definition'] === 'string') {
    const syntax = typeof format['syntax'] === 'string' ? format['syntax'] : 'grammar';
    parts.push(`The input must follow this ${syntax} grammar:\n${format['definition']}`);
  }
  return parts.filter((part) => part !== '').join('\n\n');
}

function convertTool(tool: ResponsesTool & JsonObject, param: string, converted: ConvertedTools, policy: HostedPolicy): void {
  switch (tool.type) {
    case 'function': {
      const { name, description, parameters, strict } = tool;
      const definition: ChatTool['function'] = { name: String(name), parameters: parameters ?? { type: 'object', properties: {} } };
      if (typeof description === 'string') definition['description'] = description;
      if (typeof strict === 'boolean') definition['strict'] = strict;
      converted.tools.push({ type: 'function', function: definition });
      return;
    }
    case 'custom': {
      const name = String(tool['name']);
      converted.customNames.add(name);
      const description = describeCustomTool(tool);
      converted.tools.push({ type: 'function', function: { name, ...(description === '' ? {} : { description }), parameters: { ...customToolParameters } } });
      return;
    }
    case 'namespace': {
      const inner = tool['tools'] as ResponsesTool[];
      inner.forEach((innerTool, index) => {
        convertTool(innerTool, `${param}.tools[${String(index)}]`, converted, policy);
      });
      return;
    }
    default:
      dropHostedTool(String(tool.type), param, policy);
  }
}

/** The request's tools and those of `additional_tools` items, in one chat tool list. */
export function convertTools(lists: readonly { tools: readonly ResponsesTool[]; param: string }[], policy: HostedPolicy): ConvertedTools {
  const converted: ConvertedTools = { tools: [], customNames: new Set() };
  for (const { tools, param } of lists) {
    tools.forEach((tool, index) => {
      convertTool(tool, `${param}[${String(index)}]`, converted, policy);
    });
  }
  return converted;
}

type ToolChoice = NonNullable<ResponsesRequest['tool_choice']>;

function namedFunction(name: string): JsonObject {
  return { type: 'function', function: { name } };
}

/** The Chat form of `tool_choice`; undefined when it named only hosted tools that were dropped. */
export function convertToolChoice(choice: ToolChoice, policy: HostedPolicy): unknown {
  if (typeof choice === 'string') return choice;
  const { type } = choice;
  if ((type === 'function' || type === 'custom') && typeof choice['name'] === 'string') return namedFunction(choice['name']);
  if (type === 'allowed_tools' && Array.isArray(choice['tools'])) {
    const tools: JsonObject[] = [];
    (choice['tools'] as JsonObject[]).forEach((tool, index) => {
      if ((tool['type'] === 'function' || tool['type'] === 'custom') && typeof tool['name'] === 'string') tools.push(namedFunction(tool['name']));
      else dropHostedTool(String(tool['type']), `tool_choice.tools[${String(index)}]`, policy);
    });
    return { type: 'allowed_tools', allowed_tools: { mode: choice['mode'], tools } };
  }
  dropHostedTool(String(type), 'tool_choice', policy);
  return undefined;
}
