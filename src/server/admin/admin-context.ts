// What every admin route may use: the stateful services, the relay's live state, the channel list,
// and how a replayed request is logged. Handed to each resource's routes at registration.
import type { FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RelayDependencies } from '../../relay/relay-dependencies.ts';
import type { RequestRecord } from '../../relay/request-record.ts';
import type { IngressCodecs } from '../ingress-codecs.ts';
import type { Alerts } from '../open-alerts.ts';
import type { LiveChannels } from '../live-channels.ts';
import type { Services } from '../open-services.ts';
import type { AdminFailurePolicy } from './admin-failures.ts';
import type { AnswerCache } from '../../relay/answer-cache.ts';

/** What GET /cache reads: the response cache (undefined: off) and the request counts by result. */
export interface CacheReport {
  answers: AnswerCache | undefined;
  counts: () => Promise<Readonly<Record<string, number>>>;
  /** When the counts started (this instance's start). */
  since: number;
}

export interface AdminContext {
  services: Services;
  relay: RelayDependencies;
  channels: LiveChannels;
  /** Names of the client keys the config file holds: each start re-applies them from the file. */
  configKeyNames: ReadonlySet<string>;
  /** Logs a replayed request like any other request: the log line, the metrics, the log row. */
  finishReplay: (record: RequestRecord, request: FastifyRequest) => void;
  /** The client protocols' codecs: a replay reads a captured request with its own. */
  codecs: IngressCodecs;
  /** The alert rules' state (GET /alerts); undefined where no gateway runs (tests of the API alone). */
  alerts?: Alerts | undefined;
  /** The response cache and its counts (GET /cache); undefined where no gateway runs. */
  cache?: CacheReport | undefined;
}

export interface AdminOptions extends AdminContext {
  /** undefined: the admin API is off and every route under it says so. */
  adminKey: string | undefined;
  /** How wrong admin keys are slowed; defaultAdminFailurePolicy unless a test sets its own. */
  failurePolicy?: AdminFailurePolicy;
}

export type AdminApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse>;
