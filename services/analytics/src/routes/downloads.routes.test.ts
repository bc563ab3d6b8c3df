import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { installHttpBasics } from '@gatehouse/observability';
import Fastify from 'fastify';
import type { DownloadStatsQuery, DownloadStatsReader } from '../domain/download-stats.ts';
import { downloadRoutes, downloadsCsv } from './downloads.routes.ts';

/** The routes on a bare app with an in-memory reader (our own interface); tenant fixed by a hook. */
function appWith(reader: DownloadStatsReader) {
  const app = Fastify({
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  installHttpBasics(app, { service: 'test', checks: [], openapi: () => ({}) });
  app.register(
    async (api) => {
      api.decorateRequest('tenantId', '');
      api.addHook('onRequest', async (request) => {
        request.tenantId = 'tenant-1';
      });
      await api.register(downloadRoutes, { deps: { downloads: reader } });
    },
    { prefix: '/api/v1' },
  );
  return app;
}

function recordingReader() {
  const queries: DownloadStatsQuery[] = [];
  const reader: DownloadStatsReader = {
    async query(q) {
      queries.push(q);
      return [
        { key: '=cmd()', downloads: 3, listeners: 2 },
        { key: 'Overcast "pro"', downloads: 1, listeners: 1 },
      ];
    },
    async totals() {
      return { downloads: 4, listeners: 3 };
    },
  };
  return { reader, queries };
}

describe('GET /api/v1/analytics/downloads', () => {
  test('JSON rows and totals for the tenant of the key; groupBy defaults to day', async () => {
    const { reader, queries } = recordingReader();
    const res = await appWith(reader).inject('/api/v1/analytics/downloads?from=2026-12-01&to=2026-12-02');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      from: '2026-12-01',
      to: '2026-12-02',
      groupBy: 'day',
      rows: [
        { key: '=cmd()', downloads: 3, listeners: 2 },
        { key: 'Overcast "pro"', downloads: 1, listeners: 1 },
      ],
      totals: { downloads: 4, listeners: 3 },
    });
    assert.deepEqual(queries, [
      { tenantId: 'tenant-1', from: '2026-12-01', to: '2026-12-02', groupBy: 'day' },
    ]);
  });

  test('bad input is a 400 and never reaches the reader', async () => {
    const { reader, queries } = recordingReader();
    const app = appWith(reader);
    for (const query of [
      'from=2026-12-02&to=2026-12-01', // reversed
      'from=2026-02-31&to=2026-03-01', // not a day
      'from=2026-12-01', // missing to
      'from=2025-01-01&to=2026-12-01', // too long
      'from=2026-12-01&to=2026-12-01&groupBy=ip', // unknown grouping
      'from=2026-12-01&to=2026-12-01&extra=1', // unknown parameter
    ]) {
      const res = await app.inject(`/api/v1/analytics/downloads?${query}`);
      assert.equal(res.statusCode, 400, query);
    }
    assert.equal(queries.length, 0);
  });

  test('CSV export: quoted cells, formula characters neutralised, attachment name', async () => {
    const { reader } = recordingReader();
    const res = await appWith(reader).inject(
      '/api/v1/analytics/downloads.csv?from=2026-12-01&to=2026-12-01&groupBy=app',
    );
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.match(String(res.headers['content-disposition']), /downloads-app-2026-12-01-2026-12-01\.csv/);
    assert.equal(
      res.body,
      '"app","downloads","listeners"\r\n"\'=cmd()","3","2"\r\n"Overcast ""pro""","1","1"\r\n',
    );
  });

  test('downloadsCsv of no rows is the header line', () =>
    assert.equal(downloadsCsv('tier', []), '"tier","downloads","listeners"\r\n'));
});
