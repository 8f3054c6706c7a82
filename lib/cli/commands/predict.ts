import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { extractZip } from '@/lib/export/extract-zip';
import { releaseResidentBackbone } from '@/lib/ml/embedder';
import { predictFiles, type FilePrediction } from '@/lib/ml/predict-files';

export const summary = 'Label image files with an exported model zip, outside the app.';

const HELP = `Usage: npm run curio -- predict --model <model.zip | folder> <image…> [--json]

  --model, -m   a zip from "Download model" (GET /api/models/<id>/export), or its unpacked folder
  --json        print one JSON array instead of a line per image
Per image: the labels with their probabilities, "none of these" when the labeler assigns no
label, "out of scope" when the image looks unlike anything the model was trained on.
Exit code 0 when every image was labelled, 1 otherwise.`;

const argsSchema = z.object({
  model: z.string('--model <zip> is required').min(1),
  images: z.array(z.string()).min(1, 'give at least one image file'),
  json: z.boolean(),
});

function percent(probability: number): string {
  return probability.toFixed(3);
}

function describe(prediction: FilePrediction): string {
  if (prediction.error) return `${prediction.file}: failed (${prediction.error})`;
  const ranked = Object.entries(prediction.probabilities).sort((a, b) => b[1] - a[1]);
  const verdict = prediction.outOfScope
    ? 'out of scope'
    : prediction.noneOfThese || prediction.labels.length === 0
      ? 'none of these'
      : prediction.labels
          .map((label) => `${label} ${percent(prediction.probabilities[label])}`)
          .join(', ');
  const scores = ranked.map(([label, p]) => `${label} ${percent(p)}`).join(', ');
  const novelty = prediction.novelty === null ? '' : `; novelty ${prediction.novelty.toFixed(3)}`;
  return `${prediction.file}: ${verdict}   [${scores}${novelty}]`;
}

async function modelFolder(model: string): Promise<{ dir: string; cleanup: () => void }> {
  if (fs.statSync(model).isDirectory()) return { dir: model, cleanup: () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-model-'));
  await extractZip(model, dir, { maxBytes: 512 * 1024 ** 2 });
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string', short: 'm' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const parsed = argsSchema.safeParse({
    model: values.model,
    images: positionals,
    json: values.json,
  });
  if (!parsed.success) {
    process.stderr.write(`${parsed.error.issues.map((i) => i.message).join('; ')}\n\n${HELP}\n`);
    return 1;
  }

  const { model, images, json } = parsed.data;
  const folder = await modelFolder(model);
  try {
    const result = await predictFiles(
      folder.dir,
      images.map((image) => path.resolve(image)),
    );
    const predictions = result.predictions.map((prediction, index) => ({
      ...prediction,
      file: images[index],
    }));
    if (json) {
      process.stdout.write(`${JSON.stringify(predictions, null, 2)}\n`);
    } else {
      const { card } = result;
      process.stdout.write(
        `${card.kind} on ${card.backbone}, ${card.labels.length} labels, trained on ${card.trainCount} items\n`,
      );
      for (const prediction of predictions) process.stdout.write(`${describe(prediction)}\n`);
    }
    return predictions.every((prediction) => prediction.error === null) ? 0 : 1;
  } catch (error) {
    process.stderr.write(
      `Prediction failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  } finally {
    folder.cleanup();
    await releaseResidentBackbone();
  }
}
