import { errorMessage } from '../../../shared/api-errors.ts';
import { PutError, type PutHandle, putWithProgress } from './put-with-progress.ts';
import {
  abortUpload,
  completeUpload,
  getUpload,
  type PartTarget,
  startUpload,
  type UploadRecord,
  uploadParts,
} from './upload.api.ts';
import { clearStoredUpload, saveStoredUpload } from './upload-store.ts';

export type UploadPhase =
  | 'starting'
  | 'uploading'
  | 'paused'
  | 'interrupted'
  | 'processing'
  | 'ready'
  | 'failed'
  | 'cancelled';

export interface UploadSnapshot {
  phase: UploadPhase;
  fileName: string;
  totalBytes: number;
  sentBytes: number;
  /** Over the last few seconds; 0 until measured. */
  bytesPerSecond: number;
  multipart: boolean;
  message?: string;
  upload?: UploadRecord;
}

/** Parts in flight at once: enough to fill a home uplink, few enough not to starve the page. */
export const PART_CONCURRENCY = 3;
/** A failed part is tried again this often (after 1 s, then 3 s) before the upload counts as interrupted. */
const PART_RETRY_DELAYS_MS = [1000, 3000];
const SPEED_WINDOW_MS = 5000;
const PROCESSING_POLL_MS = 1500;

/**
 * One media file going to storage. Multipart: parts straight to storage on presigned URLs,
 * PART_CONCURRENCY at a time; pause, a dropped connection or a reload leave the finished parts in
 * storage and resume sends only the missing ones (`GET /uploads/:id/parts`). Single (small files):
 * one PUT. Then complete, and "processing" until media has checked the file.
 */
export class UploadEngine {
  private snapshot: UploadSnapshot;
  private uploadId: string | null = null;
  private inFlight = new Map<number, { handle: PutHandle; loaded: number }>();
  private doneBytes = 0;
  private samples: { at: number; sent: number }[] = [];
  private stopped = false;
  private readonly file: File;
  private readonly episodeId: string;
  private readonly contentType: string;
  private readonly onChange: (snapshot: UploadSnapshot) => void;

  constructor(options: {
    file: File;
    episodeId: string;
    contentType: string;
    onChange(snapshot: UploadSnapshot): void;
  }) {
    this.file = options.file;
    this.episodeId = options.episodeId;
    this.contentType = options.contentType;
    this.onChange = options.onChange;
    this.snapshot = {
      phase: 'starting',
      fileName: this.file.name,
      totalBytes: this.file.size,
      sentBytes: 0,
      bytesPerSecond: 0,
      multipart: false,
    };
  }

  /** A new upload of the file. */
  async start(): Promise<void> {
    this.stopped = false;
    this.set({ phase: 'starting', message: undefined });
    try {
      const instructions = await startUpload(this.episodeId, {
        fileName: this.file.name,
        byteSize: this.file.size,
        contentType: this.contentType,
      });
      this.uploadId = instructions.upload.id;
      if (instructions.kind === 'single' && instructions.put) {
        this.set({ multipart: false });
        await this.sendSingle(instructions.put.url, instructions.put.headers);
      } else if (instructions.multipart) {
        saveStoredUpload({
          uploadId: instructions.upload.id,
          episodeId: this.episodeId,
          fileName: this.file.name,
          size: this.file.size,
          lastModified: this.file.lastModified,
        });
        this.set({ multipart: true });
        await this.sendParts(instructions.multipart.parts);
      }
      if (!this.stopped) await this.finish();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Continues a multipart upload (after pause, a dropped connection, a reload): missing parts only. */
  async resume(uploadId = this.uploadId): Promise<void> {
    if (!uploadId) return this.start();
    this.uploadId = uploadId;
    this.stopped = false;
    this.set({ phase: 'starting', multipart: true, message: undefined });
    try {
      const progress = await uploadParts(uploadId);
      this.doneBytes = progress.parts.reduce((sum, part) => sum + part.size, 0);
      this.set({ sentBytes: this.doneBytes });
      await this.sendParts(progress.missing);
      if (!this.stopped) await this.finish();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Stops sending; finished parts stay in storage. */
  pause(): void {
    this.stop();
    this.set({ phase: 'paused', bytesPerSecond: 0 });
  }

  /** Stops and discards the upload (storage drops the parts). */
  async cancel(): Promise<void> {
    this.stop();
    clearStoredUpload(this.episodeId);
    this.set({ phase: 'cancelled', bytesPerSecond: 0 });
    if (this.uploadId) await abortUpload(this.uploadId).catch(() => undefined);
  }

  private stop(): void {
    this.stopped = true;
    for (const { handle } of this.inFlight.values()) handle.abort();
    this.inFlight.clear();
  }

  private async sendSingle(url: string, headers: Record<string, string>): Promise<void> {
    this.set({ phase: 'uploading' });
    const handle = putWithProgress(url, this.file, headers, (loaded) => {
      this.inFlight.set(1, { handle, loaded });
      this.progressed();
    });
    this.inFlight.set(1, { handle, loaded: 0 });
    await handle.done;
    this.inFlight.clear();
    this.doneBytes = this.file.size;
    this.progressed();
  }

  private async sendParts(parts: PartTarget[]): Promise<void> {
    this.set({ phase: 'uploading' });
    const queue = [...parts];
    const worker = async () => {
      for (let part = queue.shift(); part && !this.stopped; part = queue.shift()) await this.sendPart(part);
    };
    const workers = Array.from({ length: Math.min(PART_CONCURRENCY, queue.length) }, worker);
    const results = await Promise.allSettled(workers);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure && !this.stopped) {
      // One part could not get through: stop the others (their finished parts stay) and wait for resume.
      this.stop();
      throw failure.reason;
    }
  }

  private async sendPart(part: PartTarget): Promise<void> {
    const body = this.file.slice(part.start, part.end + 1);
    for (let attempt = 0; ; attempt++) {
      const handle = putWithProgress(part.url, body, {}, (loaded) => {
        const entry = this.inFlight.get(part.partNumber);
        if (entry) entry.loaded = loaded;
        this.progressed();
      });
      this.inFlight.set(part.partNumber, { handle, loaded: 0 });
      try {
        await handle.done;
        this.inFlight.delete(part.partNumber);
        this.doneBytes += body.size;
        this.progressed();
        return;
      } catch (error) {
        this.inFlight.delete(part.partNumber);
        this.progressed();
        const retryable =
          error instanceof PutError && !error.aborted && (error.status === 0 || error.status >= 500);
        const delay = PART_RETRY_DELAYS_MS[attempt];
        if (this.stopped || !retryable || delay === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (this.stopped) throw error;
      }
    }
  }

  private async finish(): Promise<void> {
    if (!this.uploadId) return;
    this.set({ phase: 'processing', bytesPerSecond: 0, sentBytes: this.file.size });
    let upload = await completeUpload(this.uploadId);
    while (upload.status === 'pending' || upload.status === 'uploading') {
      await new Promise((resolve) => setTimeout(resolve, PROCESSING_POLL_MS));
      upload = await getUpload(this.uploadId);
    }
    clearStoredUpload(this.episodeId);
    if (upload.status === 'failed')
      this.set({ phase: 'failed', upload, message: 'Media could not use this file.' });
    else this.set({ phase: 'ready', upload });
  }

  private fail(error: unknown): void {
    if (this.stopped && error instanceof PutError && error.aborted) return;
    const dropped =
      error instanceof PutError && (error.status === 0 || error.status >= 500 || error.status === 403);
    if (dropped && this.snapshot.multipart) {
      this.set({
        phase: 'interrupted',
        bytesPerSecond: 0,
        message: `${error.message} The parts already sent are kept: resume to send the rest.`,
      });
      return;
    }
    // Terminal: a rejected file (413/415/422), a gone upload: nothing to resume.
    clearStoredUpload(this.episodeId);
    this.set({ phase: 'failed', bytesPerSecond: 0, message: errorMessage(error) });
  }

  private progressed(): void {
    let sent = this.doneBytes;
    for (const { loaded } of this.inFlight.values()) sent += loaded;
    sent = Math.min(sent, this.file.size);
    const now = performance.now();
    this.samples.push({ at: now, sent });
    while (this.samples.length > 2 && now - this.samples[0]!.at > SPEED_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const elapsed = (now - first.at) / 1000;
    const bytesPerSecond =
      elapsed > 0.5 ? Math.max(0, (sent - first.sent) / elapsed) : this.snapshot.bytesPerSecond;
    this.set({ sentBytes: sent, bytesPerSecond });
  }

  private set(change: Partial<UploadSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    this.onChange(this.snapshot);
  }
}
