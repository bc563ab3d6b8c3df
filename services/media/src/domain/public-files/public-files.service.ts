import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { errors } from '@gatehouse/errors';
import { publicFileObjectKey, type StorageDriver } from '@gatehouse/storage';
import type { Episode, EpisodesRepository } from '../episodes.service.ts';
import type { Show, ShowsService } from '../shows.service.ts';
import { uuidv7 } from '../uuid-v7.ts';
import { imageInfo } from './image-size.ts';
import type { PublicFile, PublicFileKind } from './public-file.ts';
import { readLimited } from './read-limited.ts';
import {
  chaptersProblem,
  TRANSCRIPT_TYPES,
  type TranscriptType,
  transcriptProblem,
  utf8Text,
} from './text-formats.ts';

const MiB = 1024 * 1024;
/** Apple Podcasts: square JPEG or PNG, 1400–3000 px a side. */
export const ARTWORK_MIN_PX = 1400;
export const ARTWORK_MAX_PX = 3000;
export const FILE_LIMITS: Record<PublicFileKind, number> = {
  artwork: 10 * MiB,
  transcript: 5 * MiB,
  chapters: 1 * MiB,
};
const TRANSCRIPT_EXTENSIONS: Record<TranscriptType, string> = {
  'text/vtt': 'vtt',
  'application/x-subrip': 'srt',
  'application/json': 'json',
  'text/plain': 'txt',
};
/** Served (and named in `<podcast:chapters type>`) with the namespace's type. */
export const CHAPTERS_CONTENT_TYPE = 'application/json+chapters';

/** Public files in storage: each attach/detach is one change of its show or episode. */
export interface PublicFilesRepository {
  /** Stores the row and makes it the show's artwork; answers the file it replaced. Not found: 404. */
  attachArtwork(tenantId: string, showId: string, file: PublicFile): Promise<PublicFile | null>;
  detachArtwork(tenantId: string, showId: string): Promise<PublicFile | null>;
  /** Stores the row and attaches it to the episode (an episode change: version, event). */
  attachToEpisode(tenantId: string, episodeId: string, file: PublicFile): Promise<PublicFile | null>;
  detachFromEpisode(
    tenantId: string,
    episodeId: string,
    kind: 'transcript' | 'chapters',
  ): Promise<PublicFile | null>;
  /**
   * A file podcast apps may fetch now: the current artwork of a show, or the transcript/chapters of an
   * episode that is published and whose publication time has come.
   */
  findServable(fileId: string, now: Date): Promise<PublicFile | undefined>;
  /** Drops a row that is no longer attached (after a replacement). */
  delete(fileId: string): Promise<void>;
}

/** A file as it arrives: the request body (unread), its declared type and Content-Length. */
export interface IncomingFile {
  body: Readable;
  contentType: string | undefined;
  declaredBytes: number;
}

export interface PublicFilesService {
  putArtwork(tenantId: string, showId: string, file: IncomingFile): Promise<Show>;
  removeArtwork(tenantId: string, showId: string): Promise<Show>;
  putEpisodeFile(
    tenantId: string,
    episodeId: string,
    kind: 'transcript' | 'chapters',
    file: IncomingFile,
  ): Promise<Episode>;
  removeEpisodeFile(tenantId: string, episodeId: string, kind: 'transcript' | 'chapters'): Promise<Episode>;
  /** The public file and its bytes; 404 unless servable now and named by its file name. */
  open(fileId: string, fileName: string): Promise<{ file: PublicFile; body: Readable }>;
}

export interface PublicFilesServiceDeps {
  storage: StorageDriver;
  files: PublicFilesRepository;
  shows: ShowsService;
  episodes: EpisodesRepository;
  /** Failures of the best-effort cleanup of replaced objects. */
  warn(details: object, message: string): void;
  now?: () => Date;
}

/** The media type of a Content-Type header, lower-case, without parameters. */
const mediaType = (header: string | undefined) => (header ?? '').split(';')[0]!.trim().toLowerCase();

/** A checked file, ready to be stored. */
interface CheckedFile {
  bytes: Uint8Array;
  contentType: string;
  fileName: string;
  width: number | null;
  height: number | null;
}

async function checkArtwork(file: IncomingFile): Promise<CheckedFile> {
  const declared = mediaType(file.contentType);
  if (declared !== 'image/jpeg' && declared !== 'image/png') {
    throw errors.unsupportedMediaType(
      'artwork must be a JPEG or PNG image (Content-Type image/jpeg or image/png)',
    );
  }
  const bytes = await readLimited(file.body, FILE_LIMITS.artwork, file.declaredBytes);
  const info = imageInfo(bytes);
  if (!info) throw errors.unsupportedMediaType('the file is not a JPEG or PNG image');
  if (info.contentType !== declared) {
    throw errors.unsupportedMediaType(
      `the file is a ${info.contentType} image, not the declared ${declared}`,
    );
  }
  const { width, height } = info;
  if (width !== height || width < ARTWORK_MIN_PX || width > ARTWORK_MAX_PX) {
    throw errors.unprocessable(
      `artwork must be square, ${ARTWORK_MIN_PX}–${ARTWORK_MAX_PX} px a side (this one is ${width}×${height})`,
      { reason: 'artwork_size', width, height },
    );
  }
  const extension = info.contentType === 'image/png' ? 'png' : 'jpg';
  return { bytes, contentType: info.contentType, fileName: `artwork.${extension}`, width, height };
}

async function checkText(kind: 'transcript' | 'chapters', file: IncomingFile): Promise<CheckedFile> {
  const declared = mediaType(file.contentType);
  let check: (text: string) => string | undefined;
  let stored: { contentType: string; fileName: string };
  if (kind === 'chapters') {
    if (declared !== 'application/json' && declared !== CHAPTERS_CONTENT_TYPE)
      throw errors.unsupportedMediaType(
        'chapters must be Podcasting 2.0 JSON chapters (Content-Type application/json)',
      );
    check = chaptersProblem;
    stored = { contentType: CHAPTERS_CONTENT_TYPE, fileName: 'chapters.json' };
  } else {
    const type = TRANSCRIPT_TYPES.find((candidate) => candidate === declared);
    if (!type)
      throw errors.unsupportedMediaType(`a transcript must be one of ${TRANSCRIPT_TYPES.join(', ')}`);
    check = (text) => transcriptProblem(type, text);
    stored = { contentType: type, fileName: `transcript.${TRANSCRIPT_EXTENSIONS[type]}` };
  }
  const bytes = await readLimited(file.body, FILE_LIMITS[kind], file.declaredBytes);
  const text = utf8Text(bytes);
  if (text === undefined)
    throw errors.unprocessable(`the ${kind} file is not UTF-8 text`, { reason: 'not_utf8' });
  const problem = check(text);
  if (problem) throw errors.unprocessable(problem, { reason: `invalid_${kind}` });
  return { bytes, ...stored, width: null, height: null };
}

export function createPublicFilesService(deps: PublicFilesServiceDeps): PublicFilesService {
  const { storage, files } = deps;
  const now = deps.now ?? (() => new Date());

  /** Writes the object, then attaches it; an attach that fails leaves no object behind. */
  async function store(
    owner: { tenantId: string; showId: string },
    kind: PublicFileKind,
    checked: CheckedFile,
    attach: (file: PublicFile) => Promise<PublicFile | null>,
  ): Promise<void> {
    const id = uuidv7();
    const objectKey = publicFileObjectKey({ ...owner, fileId: id, fileName: checked.fileName });
    const file: PublicFile = {
      id,
      ...owner,
      kind,
      storage: storage.kind,
      objectKey,
      fileName: checked.fileName,
      contentType: checked.contentType,
      byteSize: checked.bytes.byteLength,
      sha256: createHash('sha256').update(checked.bytes).digest('hex'),
      width: checked.width,
      height: checked.height,
      createdAt: now(),
    };
    await storage.putObject(objectKey, checked.bytes, { contentType: checked.contentType });
    let previous: PublicFile | null;
    try {
      previous = await attach(file);
    } catch (error) {
      await storage.delete(objectKey).catch(() => undefined);
      throw error;
    }
    if (previous) await discard(previous);
  }

  /** A replaced or removed file: its row and object go (best effort: a leftover object is harmless). */
  async function discard(file: PublicFile): Promise<void> {
    try {
      await files.delete(file.id);
      await storage.delete(file.objectKey);
    } catch (error) {
      deps.warn({ err: error, fileId: file.id }, 'could not delete a replaced public file');
    }
  }

  async function liveEpisode(tenantId: string, episodeId: string) {
    const episode = await deps.episodes.get(tenantId, episodeId);
    if (episode.status === 'removed') throw errors.conflict('episode was removed');
    return episode;
  }

  return {
    async putArtwork(tenantId, showId, incoming) {
      const show = await deps.shows.get(tenantId, showId);
      const checked = await checkArtwork(incoming);
      await store({ tenantId, showId: show.id }, 'artwork', checked, (file) =>
        files.attachArtwork(tenantId, show.id, file),
      );
      return deps.shows.get(tenantId, showId);
    },
    async removeArtwork(tenantId, showId) {
      const previous = await files.detachArtwork(tenantId, showId);
      if (previous) await discard(previous);
      return deps.shows.get(tenantId, showId);
    },
    async putEpisodeFile(tenantId, episodeId, kind, incoming) {
      const episode = await liveEpisode(tenantId, episodeId);
      const checked = await checkText(kind, incoming);
      await store({ tenantId, showId: episode.showId }, kind, checked, (file) =>
        files.attachToEpisode(tenantId, episode.id, file),
      );
      return deps.episodes.get(tenantId, episodeId);
    },
    async removeEpisodeFile(tenantId, episodeId, kind) {
      await liveEpisode(tenantId, episodeId);
      const previous = await files.detachFromEpisode(tenantId, episodeId, kind);
      if (previous) await discard(previous);
      return deps.episodes.get(tenantId, episodeId);
    },
    async open(fileId, fileName) {
      const file = await files.findServable(fileId, now());
      if (!file || file.fileName !== fileName) throw errors.notFound('file');
      return { file, body: await storage.readStream(file.objectKey) };
    },
  };
}
