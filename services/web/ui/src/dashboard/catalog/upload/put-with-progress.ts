import { csrfHeaders } from '../../../shared/api-client.ts';

/** A PUT that failed: `status` 0 is a dropped connection (or an abort), otherwise the HTTP status. */
export class PutError extends Error {
  readonly status: number;
  readonly aborted: boolean;
  constructor(status: number, message: string, aborted = false) {
    super(message);
    this.status = status;
    this.aborted = aborted;
  }
}

export interface PutHandle {
  done: Promise<string>;
  abort(): void;
}

/**
 * PUTs a body with XMLHttpRequest (fetch has no upload progress), reporting bytes sent as they go.
 * Answers the response text (the service's JSON for same-origin PUTs; unused for storage).
 * Same-origin URLs (local storage goes through media) carry the session's CSRF token.
 */
export function putWithProgress(
  url: string,
  body: Blob,
  headers: Record<string, string>,
  onProgress: (loaded: number) => void,
): PutHandle {
  const xhr = new XMLHttpRequest();
  let aborted = false;
  const done = new Promise<string>((resolve, reject) => {
    xhr.open('PUT', url);
    const sameOrigin = new URL(url, window.location.href).origin === window.location.origin;
    const all = sameOrigin ? { ...headers, ...csrfHeaders() } : headers;
    for (const [name, value] of Object.entries(all)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(body.size);
        resolve(xhr.responseText);
      } else reject(new PutError(xhr.status, storageMessage(xhr.status, xhr.responseText)));
    };
    xhr.onerror = () => reject(new PutError(0, 'The connection dropped.'));
    xhr.ontimeout = () => reject(new PutError(0, 'The connection timed out.'));
    xhr.onabort = () => reject(new PutError(0, 'Stopped.', aborted));
    xhr.send(body);
  });
  return {
    done,
    abort: () => {
      aborted = true;
      xhr.abort();
    },
  };
}

function storageMessage(status: number, text: string): string {
  const json = /"message"\s*:\s*"([^"]+)"/.exec(text)?.[1];
  const xml = /<Message>([^<]+)<\/Message>/.exec(text)?.[1];
  if (status === 403 && !json) return 'The upload link expired or was refused; resume to get fresh links.';
  return json ?? xml ?? `The storage answered ${status}.`;
}
