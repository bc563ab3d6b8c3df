export { type ByteSource, bufferSource } from './byte-source.ts';
export { type MediaFormat, type MediaProbe, PROBE_HEAD_BYTES, probeMedia } from './media-probe.ts';
