// GET /alerts: every alert that has fired since start, firing ones first (docs/alerts.md).
import { describeAlertFields } from '../../alerts/format-webhook.ts';
import type { AdminApp, AdminContext } from './admin-context.ts';
import { jsonResponse, operation, type OpenApiPaths } from './openapi-parts.ts';

export function registerAlertsRoute(app: AdminApp, context: AdminContext): void {
  app.get('/alerts', () => {
    const alerts = context.alerts?.list() ?? [];
    // The generic webhook's fields (alerts/format-webhook.ts), with the time of the last change named for a list.
    return {
      data: alerts.map((alert) => {
        const { at, ...fields } = describeAlertFields(alert);
        return { ...fields, changed_at: at };
      }),
    };
  });
}

export const alertsPaths: OpenApiPaths = {
  '/alerts': {
    get: operation({
      summary: "The alerts of the config's `alerts` rules that have fired since this instance started, firing ones first, one per rule and subject (channel, model, key or the shared state); at most 100 subjects per rule.",
      responses: {
        '200': jsonResponse('The alerts.', {
          type: 'object',
          properties: {
            data: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  rule: { type: 'string' },
                  kind: { type: 'string', enum: ['error_rate', 'p95_latency', 'breaker_open', 'keys_set_aside', 'quota_left_below', 'shared_state_degraded'] },
                  subject: { type: 'string', enum: ['channel', 'model', 'key', 'shared_state'], description: 'What the alert is about.' },
                  name: { type: 'string', description: 'The channel, model or key name; `redis` for the shared state.' },
                  channel: { type: ['string', 'null'], description: 'The channel name, for alerts about a channel.' },
                  state: { type: 'string', enum: ['firing', 'resolved'] },
                  summary: { type: 'string', description: 'What the condition measured at the last change.' },
                  value: { type: ['number', 'null'], description: 'The measured value at the last change: error rate, p95 ms, keys set aside, share left, 1 (shared state down) or 0.' },
                  threshold: { type: ['number', 'null'], description: "The rule's bound." },
                  error_rate: { type: ['number', 'null'], description: 'Error-rate rules: the rate at the last change.' },
                  requests: { type: ['integer', 'null'], description: 'Error-rate and latency rules: upstream attempts in the window at the last change.' },
                  fired_at: { type: 'string', format: 'date-time' },
                  changed_at: { type: 'string', format: 'date-time' },
                },
              },
            },
          },
        }),
      },
    }),
  },
};
