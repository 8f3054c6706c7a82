import type { Db } from '@/db/client';
import { createLogger } from '@/lib/log';
import { cocoExport } from './coco-export';
import type { ExportFormat, ExportOptions } from './export-options';
import { createExportContext, DEFAULT_PAGE_SIZE } from './export-records';
import { imagefolderExport } from './hf-imagefolder-export';
import { csvExport, jsonlExport } from './tabular-export';
import { webAnnotationExport } from './web-annotation-export';

const log = createLogger('export');

/**
 * Starts an export: checks what it needs (the collection, an active model for model scopes)
 * before the first byte, so that a refusal is still an error response, then hands back a lazy
 * stream of the file's bytes.
 */

export interface ExportFile {
  fileName: string;
  contentType: string;
  /** Produced on demand; nothing is read from the database until it is iterated. */
  body: AsyncIterable<string | Uint8Array>;
}

export interface StartExportInput {
  db: Db;
  dataDir: string;
  collectionId: number;
  options: ExportOptions;
  /** The app's origin, for the URLs in Web Annotations. */
  baseUrl: string;
  pageSize?: number;
}

const FILE_TYPES: Record<ExportFormat, { extension: string; contentType: string }> = {
  csv: { extension: 'csv', contentType: 'text/csv; charset=utf-8' },
  jsonl: { extension: 'jsonl', contentType: 'application/jsonl; charset=utf-8' },
  'hf-imagefolder': { extension: 'zip', contentType: 'application/zip' },
  coco: { extension: 'coco.json', contentType: 'application/json; charset=utf-8' },
  'web-annotations': {
    extension: 'annotations.jsonld',
    contentType: 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"; charset=utf-8',
  },
};

/** Passes the body through and logs when the export has been written in full. */
async function* logWhenDone(
  body: AsyncIterable<string | Uint8Array>,
  what: string,
): AsyncGenerator<string | Uint8Array> {
  const startedMs = Date.now();
  let sizeBytes = 0;
  for await (const chunk of body) {
    sizeBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    yield chunk;
  }
  log.info(`Exported ${what}: ${sizeBytes} bytes in ${Date.now() - startedMs} ms.`);
}

export function startExport(input: StartExportInput): ExportFile {
  const { options } = input;
  const context = createExportContext(
    input.db,
    input.collectionId,
    options,
    input.pageSize ?? DEFAULT_PAGE_SIZE,
  );
  const type = FILE_TYPES[options.format];
  const fileName = `${context.collection.slug}-${options.scope}.${type.extension}`;

  const body = (() => {
    switch (options.format) {
      case 'csv':
        return csvExport(context);
      case 'jsonl':
        return jsonlExport(context);
      case 'coco':
        return cocoExport(context);
      case 'web-annotations':
        return webAnnotationExport(context, { baseUrl: input.baseUrl, language: options.language });
      case 'hf-imagefolder':
        return imagefolderExport(context, {
          dataDir: input.dataDir,
          validationRatio: options.validationRatio,
          seed: options.seed,
          folderPerLabel: options.folderPerLabel,
        });
    }
  })();
  const what = `collection ${context.collection.id} as ${options.format} (scope ${options.scope})`;
  return { fileName, contentType: type.contentType, body: logWhenDone(body, what) };
}
