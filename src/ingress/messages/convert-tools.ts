// Anthropic tools and `tool_choice` → Chat functions (docs/ingress-protocols.md §D3): a custom tool
// (`type` absent or "custom") is a function whose `input_schema` is its `parameters` (`cache_control`,
// `defer_loading`, `eager_input_streaming` dropped). A typed tool is one Anthropic runs itself
// (web_search_*, web_fetch_*, code_execution_*, bash_*, text_editor_*, computer_*, memory_*,
// tool_search_tool_*, mcp_toolset): no other upstream can, so it is refused or dropped.
import type { JsonObject } from '../../core/chat.ts';
import { readArray, readObject, readString, refuseField } from './read-fields.ts';
import type { UnsupportedFeatures } from './unsupported-features.ts';

export interface ConvertedTools {
  tools: JsonObject[];
  names: ReadonlySet<string>;
  /** Names of the server tools left out of the translated request. */
  serverNames: ReadonlySet<string>;
}

export function convertTools(tools: unknown, unsupported: UnsupportedFeatures): ConvertedTools {
  const converted: JsonObject[] = [];
  const names = new Set<string>();
  const serverNames = new Set<string>();
  if (tools === undefined || tools === null) return { tools: converted, names, serverNames };
  readArray(tools, 'tools').forEach((entry, index) => {
    const param = `tools[${index}]`;
    const tool = readObject(entry, param);
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
      const type = JSON.stringify(tool.type).slice(0, 60);
      unsupported.leaveOut(`${param}.type`, typeof tool.name === 'string' ? tool.name : type, `the server tool ${type}`);
      if (typeof tool.name === 'string') serverNames.add(tool.name);
      return;
    }
    const name = readString(tool.name, `${param}.name`);
    const fn: JsonObject = { name, parameters: tool.input_schema === undefined ? { type: 'object', properties: {} } : readObject(tool.input_schema, `${param}.input_schema`) };
    if (typeof tool.description === 'string') fn.description = tool.description;
    if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
    converted.push({ type: 'function', function: fn });
    names.add(name);
  });
  return { tools: converted, names, serverNames };
}

export interface ToolChoice {
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
}

/** auto → auto, any → required, tool → that function, none → none; `disable_parallel_tool_use` → `parallel_tool_calls: false`. */
export function convertToolChoice(choice: unknown, tools: ConvertedTools, unsupported: UnsupportedFeatures): ToolChoice {
  if (choice === undefined || choice === null) return {};
  const value = readObject(choice, 'tool_choice');
  const converted: ToolChoice = value.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {};
  switch (value.type) {
    case 'auto':
      converted.tool_choice = 'auto';
      break;
    case 'any':
      converted.tool_choice = 'required';
      break;
    case 'none':
      converted.tool_choice = 'none';
      break;
    case 'tool': {
      const name = readString(value.name, 'tool_choice.name');
      // A server tool chosen by name: Anthropic's to run; a translated try has no such tool.
      if (tools.serverNames.has(name)) {
        unsupported.leaveOut('tool_choice.name', name, `choosing the server tool '${name}'`);
        return {};
      }
      if (!tools.names.has(name)) refuseField('tool_choice.name', `tool_choice.name: no tool named '${name}' is in \`tools\`.`);
      converted.tool_choice = { type: 'function', function: { name } };
      break;
    }
    default:
      refuseField('tool_choice.type', `tool_choice.type: expected 'auto', 'any', 'tool' or 'none', got ${JSON.stringify(value.type)?.slice(0, 40) ?? 'nothing'}.`);
  }
  // Chat upstreams refuse `tool_choice` without tools; with none left (all dropped) it means nothing.
  return tools.tools.length === 0 ? {} : converted;
}
