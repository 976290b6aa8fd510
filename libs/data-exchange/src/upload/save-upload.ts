import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ImportError, ImportErrorCode } from '../data-exchange.errors';

export interface SavedUpload {
  path: string;
  bytes: number;
}

export interface SaveUploadOptions {
  maxBytes: number;
  /** Default: the system's temporary directory. */
  dir?: string;
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

/**
 * Reads what is left of a refused upload and throws it away (up to `limit` bytes, then the
 * connection is cut): a client still sending gets the 413 answer instead of a reset connection.
 */
function discard(upload: Readable, limit: number): Promise<void> {
  return new Promise((resolve) => {
    if (upload.readableEnded || upload.destroyed) return resolve();
    let bytes = 0;
    const done = () => resolve();
    upload.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        upload.destroy();
        done();
      }
    });
    upload.once('end', done).once('close', done).once('error', done);
    upload.resume();
  });
}

/**
 * Streams an upload into a temporary file, at most `maxBytes` of it: more is IMPORT.FILE_TOO_LARGE
 * (413) and nothing is kept. The upload stream is never destroyed on the way (that would reset the
 * client's connection before it reads the answer). The caller removes the file (removeUpload).
 */
export async function saveUpload(upload: Readable, options: SaveUploadOptions): Promise<SavedUpload> {
  const path = join(options.dir ?? tmpdir(), `crm-upload-${randomUUID()}`);
  const file = createWriteStream(path, { flags: 'wx' });
  let discarding: Promise<void> | undefined;
  try {
    const bytes = await new Promise<number>((resolve, reject) => {
      let bytes = 0;
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        upload.off('data', onData);
        file.destroy();
        reject(error);
      };
      const onData = (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > options.maxBytes) {
          discarding = discard(upload, options.maxBytes);
          fail(new ImportError(ImportErrorCode.FileTooLarge, `The file is larger than ${megabytes(options.maxBytes)}: split it into smaller files.`));
          return;
        }
        if (!file.write(chunk)) {
          upload.pause();
          file.once('drain', () => upload.resume());
        }
      };
      upload.on('data', onData);
      upload.once('end', () => file.end());
      upload.once('error', () => fail(new ImportError(ImportErrorCode.UnreadableFile, 'The upload was interrupted.')));
      upload.once('close', () => {
        if (!upload.readableEnded) fail(new ImportError(ImportErrorCode.UnreadableFile, 'The upload was interrupted.'));
      });
      file.once('error', (error) => fail(error));
      file.once('finish', () => {
        if (!settled) {
          settled = true;
          resolve(bytes);
        }
      });
    });
    return { path, bytes };
  } catch (error) {
    await removeUpload(path);
    await discarding;
    throw error;
  }
}

export async function removeUpload(path: string): Promise<void> {
  await rm(path, { force: true });
}
