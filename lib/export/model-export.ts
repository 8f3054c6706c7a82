import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Db } from '@/db/client';
import { listLabels } from '@/lib/collections/collection-repo';
import { AppError } from '@/lib/errors';
import { CARD_FILE, MODEL_FILE, NOVELTY_FILE, WEIGHTS_FILE } from '@/lib/ml/artifacts';
import { ACTIVE_THRESHOLDS_FILE, type ActiveThresholds } from '@/lib/ml/model-package';
import { getModel } from '@/lib/ml/model-repo';
import { ZipWriter } from './zip-writer';

/**
 * A trained model as one zip, for use outside Curio (`curio predict --model <zip>`): the TF.js
 * head (model.json, weights.bin), the novelty reference (novelty.bin), card.json, and
 * thresholds.json with the thresholds in force now (the card keeps the tuned ones; a curator's
 * override lives on the models row).
 */

export interface ModelArchive {
  fileName: string;
  body: AsyncIterable<Uint8Array>;
}

export function modelArchive(db: Db, dataDir: string, modelId: number): ModelArchive {
  const model = getModel(db, modelId);
  if (!model) throw new AppError('not_found', `Model ${modelId} was not found.`);
  if (model.status !== 'ready' || !model.artifactPath) {
    throw new AppError(
      'conflict',
      `Model ${modelId} is ${model.status}; only a ready model can be exported.`,
    );
  }

  const folder = path.join(dataDir, model.artifactPath);
  const nameOf = new Map(listLabels(db, model.collectionId).map((label) => [label.id, label.name]));
  const thresholds: ActiveThresholds = {
    modelId: model.id,
    kind: model.kind,
    labels: model.labelIds.map((id) => nameOf.get(id) ?? `label ${id}`),
    thresholds: model.thresholds,
    noveltyThreshold: model.noveltyThreshold,
  };

  const zip = new ZipWriter();
  const write = async () => {
    for (const file of [MODEL_FILE, WEIGHTS_FILE, CARD_FILE, NOVELTY_FILE]) {
      if (!fs.existsSync(path.join(folder, file))) continue;
      await zip.addFile(file, path.join(folder, file), file !== WEIGHTS_FILE);
    }
    await zip.addStream(
      ACTIVE_THRESHOLDS_FILE,
      () => Readable.from([`${JSON.stringify(thresholds, null, 2)}\n`]),
      true,
    );
    zip.end();
  };
  write().catch((error: unknown) => zip.fail(error));

  return { fileName: `curio-${model.kind}-${model.id}.zip`, body: zip.output };
}
