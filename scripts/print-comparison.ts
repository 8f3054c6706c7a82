import { parseArgs } from 'node:util';
import { closeDb, getDb } from '@/db/client';
import { listCurrentAnnotations } from '@/lib/annotation/annotation-repo';
import { getCollectionBySlug } from '@/lib/collections/collection-repo';
import { getActiveModel } from '@/lib/ml/model-repo';
import { listPredictions } from '@/lib/ml/prediction-repo';
import { compareModels, countNoLabel, type ComparedModel } from '@/lib/training/comparison';

/**
 * Prints the numbers of a collection's comparison page (the active classifier and labeler) as
 * text: `CURIO_DATA_DIR=… tsx scripts/print-comparison.ts --collection hieroglyphs`.
 */

const { values } = parseArgs({ options: { collection: { type: 'string' } } });
const db = getDb();
const collection = getCollectionBySlug(db, values.collection ?? '');
if (!collection) throw new Error(`No collection with the slug "${values.collection}".`);

function compared(kind: 'classifier' | 'labeler'): ComparedModel {
  const row = getActiveModel(db, collection!.id, kind);
  if (!row) throw new Error(`The collection has no active ${kind}.`);
  return { ...row, predictions: listPredictions(db, row.id) };
}

const classifier = compared('classifier');
const labeler = compared('labeler');
const annotations = listCurrentAnnotations(db, collection.id).flatMap((a) =>
  a.kind === 'labels' || a.kind === 'none' ? [{ ...a, kind: a.kind }] : [],
);
const result = compareModels(classifier, labeler, annotations);
const fmt = (value: number | null) => (value === null ? 'n/a' : value.toFixed(3));

process.stdout.write(`items ${labeler.predictions.length}, annotated ${annotations.length}\n`);
for (const kind of ['classifier', 'labeler'] as const) {
  const m = result.metrics[kind];
  process.stdout.write(
    `${kind}: macro-F1 ${fmt(m.macroF1)}, micro-F1 ${fmt(m.microF1)}, accuracy ${fmt(m.accuracy)}, ` +
      `ECE ${fmt(m.ece)}, Brier ${fmt(m.brier)}, no-label share ${fmt(m.noLabelShare)}\n`,
  );
  for (const group of ['annotated', 'unannotated'] as const) {
    const s = result.spread[kind][group];
    process.stdout.write(
      `  max probability, ${group} (${s.count}): min ${fmt(s.min)}, median ${fmt(s.median)}, max ${fmt(s.max)}\n`,
    );
  }
}
process.stdout.write(`abstentions: ${JSON.stringify(result.abstentions)}\n`);
process.stdout.write(
  `probe ("none of these", ${result.probe.rows.length}): classifier > 0.9 on ` +
    `${result.probe.classifierConfident}, labeler no label or novel on ${result.probe.labelerAbstains}\n`,
);
const probabilities = labeler.predictions.map((p) => p.probabilities);
process.stdout.write(
  `no-label items at the stored thresholds: ${countNoLabel(probabilities, labeler.thresholds ?? [])}\n`,
);
closeDb();
