import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/**
 * Routes whose body, of any content type, reaches the handler unread: the handler streams the
 * request itself (`request.raw`) to storage, never parsed or buffered.
 */
export function withUnreadBody(routes: FastifyPluginAsyncTypebox): FastifyPluginAsyncTypebox {
  return async (scope, options) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    await routes(scope, options);
  };
}
