import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '@gatehouse/errors';
import Type from 'typebox';
import type { DownloadStatsQuery, DownloadStatsRow } from '../domain/download-stats.ts';
import type { RouteDeps } from './route-deps.ts';
import { authErrors, Day, errorResponses } from './schemas.ts';

/** Longest range one request may ask for: a bounded scan, and a year fits. */
const MAX_RANGE_DAYS = 400;
const DAY_MS = 86_400_000;

const DownloadsQuery = Type.Object(
  {
    from: Day,
    to: Day,
    groupBy: Type.Union(
      [Type.Literal('day'), Type.Literal('episode'), Type.Literal('app'), Type.Literal('tier')],
      {
        default: 'day',
      },
    ),
  },
  { additionalProperties: false },
);
const Row = Type.Object(
  { key: Type.String(), downloads: Type.Integer({ minimum: 0 }), listeners: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
const DownloadsReport = Type.Object(
  {
    from: Day,
    to: Day,
    groupBy: Type.String(),
    rows: Type.Array(Row),
    totals: Type.Object(
      { downloads: Type.Integer({ minimum: 0 }), listeners: Type.Integer({ minimum: 0 }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** `from`/`to` must be real calendar days in order (the pattern alone admits 2026-02-31). */
function checkedRange(from: string, to: string): void {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  const real = (ms: number, day: string) =>
    Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === day;
  if (!real(start, from) || !real(end, to))
    throw errors.validation('from and to must be calendar days (YYYY-MM-DD)');
  if (end < start) throw errors.validation('to is before from');
  if ((end - start) / DAY_MS >= MAX_RANGE_DAYS)
    throw errors.validation(`at most ${MAX_RANGE_DAYS} days per request`);
}

const csvCell = (value: string | number) => {
  const text = String(value);
  // Quote always; a leading formula character is neutralised so spreadsheets do not evaluate it.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
};

export function downloadsCsv(groupBy: string, rows: readonly DownloadStatsRow[]): string {
  const lines = [[groupBy, 'downloads', 'listeners'].map(csvCell).join(',')];
  for (const row of rows) lines.push([row.key, row.downloads, row.listeners].map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Creators' download counts (IAB rules, docs/analytics.md), JSON and CSV. */
export const downloadRoutes: FastifyPluginAsyncTypebox<{ deps: Pick<RouteDeps, 'downloads'> }> = async (
  app,
  { deps },
) => {
  const load = async (tenantId: string, q: Omit<DownloadStatsQuery, 'tenantId'>) => {
    checkedRange(q.from, q.to);
    const rows = await deps.downloads.query({ tenantId, ...q });
    const totals = await deps.downloads.totals({ tenantId, ...q });
    return { rows, totals };
  };

  app.get(
    '/analytics/downloads',
    {
      schema: {
        querystring: DownloadsQuery,
        response: { 200: DownloadsReport, ...errorResponses(...authErrors) },
      },
    },
    async (request) => {
      const { rows, totals } = await load(request.tenantId, request.query);
      return { ...request.query, rows, totals };
    },
  );

  app.get(
    '/analytics/downloads.csv',
    {
      schema: {
        querystring: DownloadsQuery,
        produces: ['text/csv'],
        response: { 200: Type.String(), ...errorResponses(...authErrors) },
      },
    },
    async (request, reply) => {
      const { rows } = await load(request.tenantId, request.query);
      const { from, to, groupBy } = request.query;
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="downloads-${groupBy}-${from}-${to}.csv"`);
      return downloadsCsv(groupBy, rows);
    },
  );
};
