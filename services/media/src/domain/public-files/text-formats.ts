/**
 * Checks of the small text files episodes publish: transcripts (WebVTT, SubRip, Podcasting 2.0 JSON,
 * plain text) and Podcasting 2.0 JSON chapters. Each answers undefined when the file is fine, else a
 * sentence saying what is wrong (it becomes the 422 message).
 */

/** The text of a UTF-8 file, or undefined when it is not valid UTF-8 or holds NUL. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  return text.includes('\u0000') ? undefined : text.replace(/^\uFEFF/, '');
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isTime = (value: Json | undefined) => typeof value === 'number' && Number.isFinite(value) && value >= 0;

function parseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

const optional = (object: { [key: string]: Json }, key: string, type: 'string' | 'boolean') =>
  object[key] === undefined || typeof object[key] === type;

/** Podcasting 2.0 JSON chapters: `{version, chapters:[{startTime, title, img?, url?, toc?, endTime?}]}`. */
export function chaptersProblem(text: string): string | undefined {
  const document = parseJson(text);
  if (!isObject(document)) return 'chapters must be a JSON object';
  if (typeof document.version !== 'string') return 'chapters need a "version" string';
  const chapters = document.chapters;
  if (!Array.isArray(chapters) || chapters.length === 0) return 'chapters need a non-empty "chapters" array';
  for (const [index, chapter] of chapters.entries()) {
    const at = `chapters[${index}]`;
    if (!isObject(chapter)) return `${at} must be an object`;
    if (!isTime(chapter.startTime)) return `${at}.startTime must be a number of seconds ≥ 0`;
    if (typeof chapter.title !== 'string') return `${at}.title must be a string`;
    for (const key of ['img', 'url', 'id']) {
      if (!optional(chapter, key, 'string')) return `${at}.${key} must be a string`;
    }
    if (!optional(chapter, 'toc', 'boolean')) return `${at}.toc must be true or false`;
    const { startTime, endTime } = chapter;
    if (
      endTime !== undefined &&
      !(typeof endTime === 'number' && isTime(endTime) && endTime >= Number(startTime))
    )
      return `${at}.endTime must be a number ≥ startTime`;
  }
  return undefined;
}

/** Podcasting 2.0 JSON transcript: `{version, segments:[{startTime, endTime, body, speaker?}]}`. */
function jsonTranscriptProblem(text: string): string | undefined {
  const document = parseJson(text);
  if (!isObject(document)) return 'a JSON transcript must be a JSON object';
  if (typeof document.version !== 'string') return 'a JSON transcript needs a "version" string';
  if (!Array.isArray(document.segments)) return 'a JSON transcript needs a "segments" array';
  for (const [index, segment] of document.segments.entries()) {
    const at = `segments[${index}]`;
    if (!isObject(segment)) return `${at} must be an object`;
    if (!isTime(segment.startTime) || !isTime(segment.endTime))
      return `${at} needs startTime and endTime ≥ 0`;
    if (typeof segment.body !== 'string') return `${at}.body must be a string`;
    if (!optional(segment, 'speaker', 'string')) return `${at}.speaker must be a string`;
  }
  return undefined;
}

const SRT_CUE = /^\d+\r?\n\d{2}:\d{2}:\d{2},\d{3} --> \d{2}:\d{2}:\d{2},\d{3}/;

export const TRANSCRIPT_TYPES = [
  'text/vtt',
  'application/x-subrip',
  'application/json',
  'text/plain',
] as const;
export type TranscriptType = (typeof TRANSCRIPT_TYPES)[number];

export function transcriptProblem(type: TranscriptType, text: string): string | undefined {
  switch (type) {
    case 'text/vtt':
      return /^WEBVTT(?:[ \t\r\n]|$)/.test(text) ? undefined : 'a WebVTT file must start with "WEBVTT"';
    case 'application/x-subrip':
      return SRT_CUE.test(text.trimStart())
        ? undefined
        : 'a SubRip file must start with a numbered cue ("1", then "00:00:00,000 --> 00:00:01,000")';
    case 'application/json':
      return jsonTranscriptProblem(text);
    case 'text/plain':
      return text.trim() === '' ? 'the transcript is empty' : undefined;
  }
}
