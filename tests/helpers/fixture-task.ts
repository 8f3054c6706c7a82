import { prepareFeatures } from '@/lib/ml/features';
import type { LabelledRows } from '@/lib/ml/training-loop';
import { fixtureFeatures, FIXTURE_FEATURE_DIM, listFixtureImages } from './image-fixtures';

/**
 * The fixture images as a 3-class task: the first six crops of each photograph train, the last
 * two are held out. Raw features are kept too, for tests that go through scoring.
 */

export interface FixtureTask {
  classNames: string[];
  dim: number;
  train: LabelledRows & { raw: Float32Array; classes: number[] };
  test: LabelledRows & { raw: Float32Array; classes: number[] };
}

const TRAIN_PER_CLASS = 6;

export async function loadFixtureTask(): Promise<FixtureTask> {
  const images = listFixtureImages();
  const classNames = [...new Set(images.map((image) => image.className))];
  const features = await Promise.all(images.map((image) => fixtureFeatures(image.file)));
  const seen = new Map<string, number>();
  const trainRows: number[] = [];
  const testRows: number[] = [];
  images.forEach((image, index) => {
    const position = seen.get(image.className) ?? 0;
    seen.set(image.className, position + 1);
    (position < TRAIN_PER_CLASS ? trainRows : testRows).push(index);
  });

  const rows = (indices: number[]) => {
    const raw = new Float32Array(indices.length * FIXTURE_FEATURE_DIM);
    const targets = new Float32Array(indices.length * classNames.length);
    const classes = indices.map((index) => classNames.indexOf(images[index].className));
    indices.forEach((index, row) => {
      raw.set(features[index], row * FIXTURE_FEATURE_DIM);
      targets[row * classNames.length + classes[row]] = 1;
    });
    return { raw, features: prepareFeatures(raw, FIXTURE_FEATURE_DIM), targets, classes };
  };

  return { classNames, dim: FIXTURE_FEATURE_DIM, train: rows(trainRows), test: rows(testRows) };
}
