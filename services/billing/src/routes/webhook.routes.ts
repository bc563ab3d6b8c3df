import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '@gatehouse/errors';
import { MalformedStripeObjectError } from '../domain/stripe-state.ts';
import type { ProcessResult } from '../domain/webhook-processor.ts';
import type { RouteDeps } from './route-deps.ts';
import { errorResponses, WebhookAnswer } from './schemas.ts';

/**
 * `POST /billing/webhooks/stripe`. Registered in its own encapsulated scope whose only body parser
 * keeps the raw Buffer: the signature covers the exact bytes, and a JSON parser would re-serialise
 * them. Everything else in the app keeps Fastify's JSON parser. No body schema: the bytes are
 * checked by the signature, then the event by the domain.
 *
 * Answers: 200 processed | duplicate (ledger already had the event) | ignored (a type we do not
 * act on: acknowledged so Stripe stops retrying, not recorded, nothing published);
 * 400 for a missing/forged/wrong-secret signature, a stale timestamp, malformed JSON or an
 * unusable object (nothing recorded); 5xx only when our side failed, so Stripe retries.
 */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );
  app.post('/billing/webhooks/stripe', {
    schema: { response: { 200: WebhookAnswer, ...errorResponses(400, 413, 415, 500, 503) } },
    handler: async (request) => {
      const body = request.body;
      if (!Buffer.isBuffer(body)) throw errors.badRequest('missing webhook body');
      const signature = request.headers['stripe-signature'];
      const event = deps.webhooks.verifier.verify(
        body,
        typeof signature === 'string' ? signature : undefined,
      );
      let processed: ProcessResult;
      try {
        processed = await deps.webhooks.process(event);
      } catch (error) {
        if (error instanceof MalformedStripeObjectError)
          throw errors.badRequest(`malformed event: ${error.message}`);
        throw error;
      }
      if (processed.result === 'processed') {
        deps.notifyOutbox();
        if (processed.outcome.outcome === 'unmapped') {
          request.log.warn(
            { event: event.id, type: event.type, reason: processed.outcome.reason },
            'webhook not mapped',
          );
        }
      }
      return { received: true as const, result: processed.result };
    },
  });
};
