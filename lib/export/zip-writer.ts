import fs from 'node:fs';
import type { Readable } from 'node:stream';
import yazl from 'yazl';

/**
 * A zip archive written as a stream. yazl reads each entry's data only when it reaches it, and
 * this writer adds entries only while fewer than `window` are waiting, so neither the archive's
 * bytes nor a queue of its files is held. What does grow is yazl's central directory, a small
 * record per entry that a zip must write at its end. When the reader goes away, `closed` becomes
 * true and waiting producers are released.
 */

const DEFAULT_WINDOW = 16;

export class ZipWriter {
  readonly output: Readable;
  private readonly zip = new yazl.ZipFile();
  private added = 0;
  private opened = 0;
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(private readonly window = DEFAULT_WINDOW) {
    // yazl's typings say NodeJS.ReadableStream; at run time it is a PassThrough, a Readable.
    this.output = this.zip.outputStream as Readable;
    // A file that cannot be read (deleted under us) ends the archive with that error.
    this.zip.on('error', (error: unknown) => this.fail(error));
    this.output.once('close', () => {
      this.closed = true;
      this.release();
    });
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private async room(): Promise<void> {
    while (!this.closed && this.added - this.opened >= this.window) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Adds an entry whose data comes from `open()` once the archive reaches it. */
  async addStream(name: string, open: () => Readable, compress: boolean): Promise<void> {
    await this.room();
    if (this.closed) return;

    this.added += 1;
    this.zip.addReadStreamLazy(name, { compress }, (callback) => {
      this.opened += 1;
      this.release();
      callback(null, open());
    });
  }

  /** Adds a file from disk; images are stored, not deflated (they are compressed already). */
  addFile(name: string, absolutePath: string, compress = false): Promise<void> {
    return this.addStream(name, () => fs.createReadStream(absolutePath), compress);
  }

  end(): void {
    this.zip.end();
  }

  /** Ends the archive with an error that the reader sees. */
  fail(error: unknown): void {
    this.output.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}
