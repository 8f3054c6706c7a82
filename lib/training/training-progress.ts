import type { TrainProgress } from '@/lib/ml/train-collection';

/**
 * Turns trainCollection's progress into job progress records: a stage, done of total, the
 * numbers of the stage (loss and validation metric per epoch) and an estimate of the time left.
 * The estimate is rough on purpose: embedding time per item and training time per epoch are
 * measured as the run goes, and the kinds still to train are assumed to take as long as the
 * first.
 */

export interface JobProgress extends Record<string, unknown> {
  stage: 'embed' | 'train' | 'score' | 'ready';
  done: number;
  total: number;
  kind?: string;
  etaMs: number | null;
}

export class ProgressEstimator {
  private embedStartMs: number | null = null;
  private kindStartMs = new Map<string, number>();
  private firstKindMs: number | null = null;

  constructor(
    private readonly kinds: readonly string[],
    private readonly now: () => number = Date.now,
  ) {}

  toJobProgress(progress: TrainProgress): JobProgress {
    const now = this.now();
    switch (progress.stage) {
      case 'embed': {
        this.embedStartMs ??= now;
        const elapsed = now - this.embedStartMs;
        const left = progress.total - progress.done;
        const etaMs = progress.done > 0 ? Math.round((elapsed / progress.done) * left) : null;
        return { stage: 'embed', done: progress.done, total: progress.total, etaMs };
      }
      case 'train': {
        if (!this.kindStartMs.has(progress.kind)) this.kindStartMs.set(progress.kind, now);
        const elapsed = now - (this.kindStartMs.get(progress.kind) ?? now);
        const perEpoch = elapsed / Math.max(1, progress.epoch);
        const etaMs =
          Math.round(perEpoch * (progress.epochs - progress.epoch)) +
          this.laterKindsMs(progress.kind);
        return {
          stage: 'train',
          kind: progress.kind,
          done: progress.epoch,
          total: progress.epochs,
          loss: progress.loss,
          valLoss: progress.valLoss,
          valMetric: progress.valMetric,
          etaMs,
        };
      }
      case 'score':
        return {
          stage: 'score',
          kind: progress.kind,
          done: progress.items,
          total: progress.items,
          etaMs: this.laterKindsMs(progress.kind),
        };
      case 'ready': {
        const started = this.kindStartMs.get(progress.kind);
        if (started !== undefined) this.firstKindMs ??= now - started;
        return {
          stage: 'ready',
          kind: progress.kind,
          modelId: progress.modelId,
          done: 1,
          total: 1,
          etaMs: this.laterKindsMs(progress.kind),
        };
      }
    }
  }

  private laterKindsMs(kind: string): number {
    const later = this.kinds.length - 1 - this.kinds.indexOf(kind);
    return later > 0 && this.firstKindMs !== null ? later * this.firstKindMs : 0;
  }
}
