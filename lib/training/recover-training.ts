import type { Db } from '@/db/client';
import { createLogger } from '@/lib/log';
import { failAllTrainingModels } from './training-repo';
import { getTrainingSupervisor } from './training-supervisor';

const log = createLogger('training');

/**
 * Start-up step, after the bootstrap has failed the jobs a dead process left running: the models
 * those runs had begun are marked failed (the previous active models keep serving), and jobs
 * still queued are handed to the worker, since a queued request is still wanted after a restart.
 */
export function recoverTraining(db: Db): void {
  const orphaned = failAllTrainingModels(db);
  if (orphaned > 0)
    log.warn(`Marked ${orphaned} model(s) failed that a stopped server was training.`);
  getTrainingSupervisor(db).wake();
}
