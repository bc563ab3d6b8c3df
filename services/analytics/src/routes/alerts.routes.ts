import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '@gatehouse/errors';
import Type from 'typebox';
import { sharingSettingsBounds } from '../domain/sharing/sharing-settings.ts';
import type { RouteDeps } from './route-deps.ts';
import { authErrors, errorResponses } from './schemas.ts';

const Uuid = Type.String({ format: 'uuid' });
const Instant = Type.String({ format: 'date-time' });
const AlertStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('dismissed'),
  Type.Literal('resolved'),
  Type.Literal('superseded'),
]);
const Policy = Type.Union([Type.Literal('alert'), Type.Literal('alert+reset'), Type.Literal('suspend')]);
const bounded = (key: keyof typeof sharingSettingsBounds, description: string) =>
  Type.Integer({ ...sharingSettingsBounds[key], description });

const Settings = Type.Object(
  {
    windowHours: bounded('windowHours', 'Rolling window (hours of record time) the counts cover.'),
    minNetworks: bounded('minNetworks', 'Distinct /24 or /64 networks that, with minApps, mean sharing.'),
    minApps: bounded('minApps', 'Distinct podcast apps that, with minNetworks, mean sharing.'),
    maxEpisodeDownloads: bounded(
      'maxEpisodeDownloads',
      'Distinct (network, app) pairs downloading one episode from its start that mean sharing.',
    ),
    growthPercent: bounded('growthPercent', 'While an alert is open, growth that raises a new one.'),
    policy: Policy,
  },
  { additionalProperties: false },
);
const Seen = { firstSeen: Instant, lastSeen: Instant, requests: Type.Integer({ minimum: 1 }) };
const Alert = Type.Object(
  {
    id: Uuid,
    subscriberId: Uuid,
    status: AlertStatus,
    reasons: Type.Array(Type.Union([Type.Literal('networks_and_apps'), Type.Literal('episode_downloads')])),
    counts: Type.Object(
      {
        networks: Type.Integer({ minimum: 0 }),
        apps: Type.Integer({ minimum: 0 }),
        episodeDownloads: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
    networks: Type.Array(Type.Object({ network: Type.String(), ...Seen }, { additionalProperties: false })),
    apps: Type.Array(Type.Object({ app: Type.String(), ...Seen }, { additionalProperties: false })),
    episodes: Type.Array(
      Type.Object(
        { episodeId: Type.String(), downloads: Type.Integer({ minimum: 0 }) },
        { additionalProperties: false },
      ),
    ),
    firstSeen: Instant,
    lastSeen: Instant,
    createdAt: Instant,
    closedAt: Type.Union([Instant, Type.Null()]),
    supersedes: Type.Union([Uuid, Type.Null()]),
    settings: Settings,
    actions: Type.Array(
      Type.Object(
        {
          kind: Type.Union([Type.Literal('reset'), Type.Literal('suspend')]),
          state: Type.Union([
            Type.Literal('pending'),
            Type.Literal('rotated'),
            Type.Literal('done'),
            Type.Literal('failed'),
          ]),
          requestedBy: Type.Union([Type.Literal('policy'), Type.Literal('creator')]),
          createdAt: Instant,
          completedAt: Type.Union([Instant, Type.Null()]),
          lastError: Type.Union([Type.String(), Type.Null()]),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const AlertList = Type.Object(
  {
    alerts: Type.Array(Alert),
    /** Pass as `before` for the next page; null on the last page. */
    next: Type.Union([Instant, Type.Null()]),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    status: Type.Optional(AlertStatus),
    subscriberId: Type.Optional(Uuid),
    before: Type.Optional(Instant),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);
const AlertParams = Type.Object({ alertId: Uuid }, { additionalProperties: false });
const SubscriberParams = Type.Object({ subscriberId: Uuid }, { additionalProperties: false });
const Unsuspended = Type.Object(
  { subscriberId: Uuid, suspended: Type.Literal(false) },
  { additionalProperties: false },
);
/** Action routes take no body; an empty JSON object is accepted for clients that always send one. */
const NoBody = Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]);

/**
 * Creators' sharing alerts (docs/analytics.md, "Sharing detection"): list them with why, dismiss,
 * reset the subscriber's feed URL, suspend / unsuspend the subscriber, and the thresholds + policy.
 * Every id is looked up within the API key's tenant: another tenant's ids are 404.
 */
export const alertsRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { sharing } = deps;
  const prefix = '/analytics/sharing';

  app.get(
    `${prefix}/alerts`,
    {
      schema: { querystring: ListQuery, response: { 200: AlertList, ...errorResponses(...authErrors) } },
    },
    async (request) => {
      const { limit, status, subscriberId, before } = request.query;
      const alerts = await sharing.listAlerts(request.tenantId, { limit, status, subscriberId, before });
      return { alerts, next: alerts.length === limit ? (alerts.at(-1)?.createdAt ?? null) : null };
    },
  );

  app.get(
    `${prefix}/alerts/:alertId`,
    {
      schema: { params: AlertParams, response: { 200: Alert, ...errorResponses(...authErrors, 404) } },
    },
    async (request) => {
      const alert = await sharing.findAlert(request.tenantId, request.params.alertId);
      if (!alert) throw errors.notFound('alert');
      return alert;
    },
  );

  const action = (name: 'dismiss' | 'reset' | 'suspend', status: 200 | 202, summary: string) =>
    app.post(
      `${prefix}/alerts/:alertId/${name}`,
      {
        schema: {
          summary,
          params: AlertParams,
          body: NoBody,
          response: { [status]: Alert, ...errorResponses(...authErrors, 404, 409) },
        },
      },
      async (request, reply) => {
        const alert = await sharing[name](request.tenantId, request.params.alertId);
        return reply.code(status).send(alert);
      },
    );
  action('dismiss', 200, 'Dismiss an open alert; only new traffic can raise the next one.');
  action(
    'reset',
    202,
    "Reset the subscriber's feed URL and e-mail the new link (carried out in the background).",
  );
  action(
    'suspend',
    200,
    'Suspend the subscriber: their feed and media links grant nothing until unsuspended.',
  );

  app.post(
    `${prefix}/subscribers/:subscriberId/unsuspend`,
    {
      schema: {
        params: SubscriberParams,
        body: NoBody,
        response: { 200: Unsuspended, ...errorResponses(...authErrors, 404, 409) },
      },
    },
    async (request) => {
      await sharing.unsuspend(request.tenantId, request.params.subscriberId);
      return { subscriberId: request.params.subscriberId, suspended: false as const };
    },
  );

  app.get(
    `${prefix}/settings`,
    { schema: { response: { 200: Settings, ...errorResponses(...authErrors) } } },
    async (request) => sharing.settings(request.tenantId),
  );

  app.put(
    `${prefix}/settings`,
    { schema: { body: Settings, response: { 200: Settings, ...errorResponses(...authErrors) } } },
    async (request) => sharing.saveSettings(request.tenantId, request.body),
  );
};
