/**
 * Evaluation metrics as pure functions on plain arrays. Probabilities are row-major
 * (items × labels); targets and predictions are 0/1 in the same layout.
 */

export interface LabelScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface PrPoint {
  threshold: number;
  precision: number;
  recall: number;
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  meanConfidence: number;
  accuracy: number;
}

function f1Of(truePositives: number, falsePositives: number, falseNegatives: number): number {
  const denominator = 2 * truePositives + falsePositives + falseNegatives;
  return denominator === 0 ? 0 : (2 * truePositives) / denominator;
}

function safeRatio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** Share of items whose predicted class equals the true class. */
export function accuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
  return safeRatio(correct, truth.length);
}

/** Per-label counts from multi-hot targets and predictions (items × labelCount). */
export function perLabelScores(
  targets: ArrayLike<number>,
  predicted: ArrayLike<number>,
  labelCount: number,
): LabelScores[] {
  const tp = new Array<number>(labelCount).fill(0);
  const fp = new Array<number>(labelCount).fill(0);
  const fn = new Array<number>(labelCount).fill(0);

  for (let i = 0; i < targets.length; i++) {
    const label = i % labelCount;
    const isTrue = targets[i] > 0.5;
    const isPredicted = predicted[i] > 0.5;
    if (isTrue && isPredicted) tp[label]++;
    else if (isPredicted) fp[label]++;
    else if (isTrue) fn[label]++;
  }

  return tp.map((truePositives, label) => ({
    precision: safeRatio(truePositives, truePositives + fp[label]),
    recall: safeRatio(truePositives, truePositives + fn[label]),
    f1: f1Of(truePositives, fp[label], fn[label]),
    support: truePositives + fn[label],
  }));
}

/** Mean of per-label F1 over the labels that occur in the targets or the predictions. */
export function macroF1(
  targets: ArrayLike<number>,
  predicted: ArrayLike<number>,
  labelCount: number,
): number {
  const scores = perLabelScores(targets, predicted, labelCount);
  const predictedCounts = new Array<number>(labelCount).fill(0);
  for (let i = 0; i < predicted.length; i++)
    if (predicted[i] > 0.5) predictedCounts[i % labelCount]++;

  // A label absent from both sides has an undefined F1; counting it as 0 would punish a test
  // split for lacking a rare label.
  const present = scores.filter((score, label) => score.support > 0 || predictedCounts[label] > 0);
  return safeRatio(
    present.reduce((sum, score) => sum + score.f1, 0),
    present.length,
  );
}

/** F1 over all (item, label) decisions pooled together. */
export function microF1(targets: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < targets.length; i++) {
    const isTrue = targets[i] > 0.5;
    const isPredicted = predicted[i] > 0.5;
    if (isTrue && isPredicted) tp++;
    else if (isPredicted) fp++;
    else if (isTrue) fn++;
  }
  return f1Of(tp, fp, fn);
}

/** One-hot rows from class indices. */
export function oneHot(classes: ArrayLike<number>, labelCount: number): Float32Array {
  const out = new Float32Array(classes.length * labelCount);
  for (let i = 0; i < classes.length; i++) out[i * labelCount + classes[i]] = 1;
  return out;
}

/** The index of the largest value of each row. */
export function argmaxRows(values: ArrayLike<number>, labelCount: number): Int32Array {
  const rows = values.length / labelCount;
  const out = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    let best = 0;
    for (let label = 1; label < labelCount; label++) {
      if (values[row * labelCount + label] > values[row * labelCount + best]) best = label;
    }
    out[row] = best;
  }
  return out;
}

/** confusion[truth][predicted] counts. */
export function confusionMatrix(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  labelCount: number,
): number[][] {
  const matrix = Array.from({ length: labelCount }, () => new Array<number>(labelCount).fill(0));
  for (let i = 0; i < truth.length; i++) matrix[truth[i]][predicted[i]]++;
  return matrix;
}

/**
 * Precision and recall of one label at every distinct score, from the highest threshold down.
 * `scores` and `targets` are that label's column.
 */
export function prCurve(scores: ArrayLike<number>, targets: ArrayLike<number>): PrPoint[] {
  const order = Array.from(scores, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i] > 0.5) positives++;

  const points: PrPoint[] = [];
  let tp = 0;
  let fp = 0;
  for (let rank = 0; rank < order.length; rank++) {
    const index = order[rank];
    if (targets[index] > 0.5) tp++;
    else fp++;

    const nextIsTied = rank + 1 < order.length && scores[order[rank + 1]] === scores[index];
    if (nextIsTied) continue;
    points.push({
      threshold: scores[index],
      precision: safeRatio(tp, tp + fp),
      recall: safeRatio(tp, positives),
    });
  }
  return points;
}

/** One column of a row-major matrix. */
export function column(values: ArrayLike<number>, labelCount: number, label: number): Float32Array {
  const rows = values.length / labelCount;
  const out = new Float32Array(rows);
  for (let row = 0; row < rows; row++) out[row] = values[row * labelCount + label];
  return out;
}

/**
 * Reliability bins over (confidence, correct) pairs: for a classifier the top probability and
 * whether the argmax was right; for a labeler every (item, label) probability and its target.
 */
export function reliabilityBins(
  confidences: ArrayLike<number>,
  correct: ArrayLike<number>,
  binCount = 10,
): ReliabilityBin[] {
  const bins = Array.from({ length: binCount }, (_, bin) => ({
    lower: bin / binCount,
    upper: (bin + 1) / binCount,
    count: 0,
    confidenceSum: 0,
    correctSum: 0,
  }));

  for (let i = 0; i < confidences.length; i++) {
    const bin = Math.min(binCount - 1, Math.floor(confidences[i] * binCount));
    bins[bin].count++;
    bins[bin].confidenceSum += confidences[i];
    bins[bin].correctSum += correct[i];
  }

  return bins.map((bin) => ({
    lower: bin.lower,
    upper: bin.upper,
    count: bin.count,
    meanConfidence: safeRatio(bin.confidenceSum, bin.count),
    accuracy: safeRatio(bin.correctSum, bin.count),
  }));
}

/** Expected calibration error: count-weighted gap between confidence and accuracy per bin. */
export function expectedCalibrationError(bins: ReliabilityBin[]): number {
  const total = bins.reduce((sum, bin) => sum + bin.count, 0);
  const gap = bins.reduce(
    (sum, bin) => sum + bin.count * Math.abs(bin.meanConfidence - bin.accuracy),
    0,
  );
  return safeRatio(gap, total);
}

/** Mean squared error between probabilities and 0/1 targets, summed over labels per item. */
export function brierScore(
  probabilities: ArrayLike<number>,
  targets: ArrayLike<number>,
  labelCount: number,
): number {
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) sum += (probabilities[i] - targets[i]) ** 2;
  return safeRatio(sum, probabilities.length / labelCount);
}

/** The q-th percentile (0–100) with linear interpolation between order statistics. */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const position = (q / 100) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}
