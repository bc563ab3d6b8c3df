export { keepOutputTail, stopIfExited } from './child-exit.ts';
export {
  countMinioGets,
  type MinioGetObject,
  type ReadMinioAuditOptions,
  readMinioAudit,
} from './minio-audit.ts';
export { closedPort, runServiceExpectingFailure, type ServiceExit } from './service-process.ts';
export { stackControl } from './stack-control.ts';
export { type StackEnv, StackEnvError, type StackPart, stackEnv } from './stack-env.ts';
export { type StripeSubscriptionFixture, stripeEvent, subscriptionObject } from './stripe-events.ts';
export { StopWaiting, uniqueId, type WaitForOptions, waitFor } from './test-helpers.ts';
