// GET /v1/models (+ /{id}) in Anthropic's shape, for a client that sends `anthropic-version`
// (@anthropic-ai/sdk `models.list`; Claude Code's gateway model discovery, docs/ingress-protocols.md §A5):
// `{data: [{type: "model", id, display_name, created_at}], has_more, first_id, last_id}`.
export interface ListedModel {
  id: string;
  created: number;
}

export function encodeAnthropicModel(model: ListedModel): Record<string, unknown> {
  return { type: 'model', id: model.id, display_name: model.id, created_at: new Date(model.created * 1000).toISOString() };
}

export function encodeAnthropicModelList(models: readonly ListedModel[]): Record<string, unknown> {
  return { data: models.map(encodeAnthropicModel), has_more: false, first_id: models[0]?.id ?? null, last_id: models.at(-1)?.id ?? null };
}
