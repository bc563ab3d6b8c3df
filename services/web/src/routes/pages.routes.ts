import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { RouteDeps } from './route-deps.ts';

const html = Type.String({ description: 'The single-page app shell (HTML)' });

/**
 * The pages: hashed assets under /ui/ (immutable, cacheable at the edge) and the app shell for every
 * dashboard (/app/…) and listener (/listen/…) path; the client router draws the page. The shell is never
 * cached: it names the current asset hashes, and listener pages may carry a feed link.
 */
export const pagesRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const shell = await readFile(join(deps.uiDir, 'index.html'), 'utf8');

  await app.register(fastifyStatic, {
    root: join(deps.uiDir, 'assets'),
    prefix: '/ui/assets/',
    immutable: true,
    maxAge: '365d',
    index: false,
    wildcard: true,
  });

  const sendShell = { schema: { hide: true, response: { 200: html } } };
  const handler = async (_request: unknown, reply: import('fastify').FastifyReply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .send(shell);
  for (const path of ['/app', '/app/*', '/listen', '/listen/*']) app.get(path, sendShell, handler);
};
