import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { requirePageUser } from '@/lib/auth/page-auth';
import { can } from '@/lib/auth/permissions';
import { listUsers } from '@/lib/auth/user-repo';
import { getCollectionBySlug, listLabels } from '@/lib/collections/collection-repo';
import type { ModelRow } from '@/lib/ml/model-repo';
import { listModels } from '@/lib/ml/model-repo';
import { readStoredMetrics } from '@/lib/training/comparison';
import { backendReport } from '@/lib/training/backend-report';
import { getTrainingStatus } from '@/lib/training/training-jobs';
import { ActivateModelButton, AutoRetrainForm } from './model-actions';
import { TrainingPanel } from './training-panel';

export const metadata: Metadata = { title: 'Models' };

type Props = { params: Promise<{ slug: string }> };

function formatNumber(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;
}

function formatWhen(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

function noneCountOf(model: ModelRow): number | null {
  const value = model.card?.noneCount;
  return typeof value === 'number' ? value : null;
}

export default async function ModelsPage({ params }: Props) {
  const { slug } = await params;
  const user = await requirePageUser('model:read', `/collections/${slug}/models`);
  const db = getDb();
  const collection = getCollectionBySlug(db, slug);
  if (!collection) notFound();

  const mayTrain = can(user.role, 'model:train');
  const status = getTrainingStatus(db, collection.id);
  const models = listModels(db, collection.id);
  const labelNames = new Map(listLabels(db, collection.id).map((label) => [label.id, label.name]));
  const userNames = new Map(listUsers(db).map((u) => [u.id, u.name]));
  const backend = backendReport(status.recent);

  return (
    <div className="space-y-6">
      <h1>Models</h1>
      <p className="text-muted">
        Both models learn from the same annotations: the <strong>classifier</strong> picks exactly
        one label per item; the <strong>labeler</strong> decides each label on its own threshold and
        can answer &ldquo;none of these&rdquo;. Training runs in a separate worker process, one job
        at a time; the current models keep serving until new ones are ready.
      </p>

      <section className="card space-y-3 p-5" aria-labelledby="train-heading">
        <h2 id="train-heading">Train</h2>
        <TrainingPanel
          collectionId={collection.id}
          activeJob={status.active ? { id: status.active.id, state: status.active.state } : null}
          mayTrain={mayTrain}
          fineTuneUnavailableReason={backend.fineTuneUnavailableReason}
        />
        {mayTrain && (
          <p className="hint" data-testid="backend-report">
            {backend.summary}
          </p>
        )}
      </section>

      {mayTrain && (
        <section className="card space-y-3 p-5" aria-labelledby="auto-heading">
          <h2 id="auto-heading">Auto-retrain</h2>
          <AutoRetrainForm
            collectionId={collection.id}
            autoRetrainAfter={collection.autoRetrainAfter}
          />
        </section>
      )}

      <section className="card overflow-x-auto p-5" aria-labelledby="models-heading">
        <h2 id="models-heading" className="mb-3">
          Model registry
        </h2>
        {models.length === 0 ? (
          <p className="text-muted">No model has been trained yet.</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th>Model</th>
                <th>Status</th>
                <th>Backbone / backend</th>
                <th>Trained on</th>
                <th>Validation</th>
                <th>Thresholds</th>
                <th>Duration</th>
                <th>Started by, when</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {models.map((model) => {
                const metrics = readStoredMetrics(model.metrics);
                return (
                  <tr key={model.id} data-testid={`model-${model.id}`}>
                    <td>
                      #{model.id} {model.kind}
                    </td>
                    <td>
                      {model.status}
                      {model.active && <span className="pill ml-1 border-ok text-ok">active</span>}
                    </td>
                    <td>
                      {model.backbone}
                      <br />
                      <span className="text-muted">{model.backend}</span>
                    </td>
                    <td>
                      {model.trainCount} items (+{model.validationCount} validation)
                      {noneCountOf(model) !== null && (
                        <>
                          <br />
                          <span className="text-muted">
                            {noneCountOf(model)} marked none
                            {model.kind === 'classifier' ? ' (left out)' : ' (learnt as no label)'}
                          </span>
                        </>
                      )}
                    </td>
                    <td>
                      macro-F1 {formatNumber(metrics.macroF1)}
                      <br />
                      <span className="text-muted">
                        acc {formatNumber(metrics.accuracy)}, ECE {formatNumber(metrics.ece)}
                      </span>
                    </td>
                    <td className="text-xs">
                      {model.thresholds
                        ? model.thresholds
                            .map(
                              (t, i) =>
                                `${labelNames.get(model.labelIds[i]) ?? model.labelIds[i]} ${t.toFixed(2)}`,
                            )
                            .join(', ')
                        : 'top label'}
                    </td>
                    <td>{formatDuration(model.durationMs)}</td>
                    <td>
                      {model.createdBy
                        ? (userNames.get(model.createdBy) ?? 'a deleted user')
                        : 'CLI or automatic'}
                      <br />
                      <span className="text-muted">{formatWhen(model.createdAt)}</span>
                    </td>
                    <td>
                      {mayTrain && model.status === 'ready' && !model.active && (
                        <ActivateModelButton modelId={model.id} />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section className="card overflow-x-auto p-5" aria-labelledby="jobs-heading">
        <h2 id="jobs-heading" className="mb-3">
          Training jobs
        </h2>
        {status.recent.length === 0 ? (
          <p className="text-muted">No training job yet.</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th>Job</th>
                <th>State</th>
                <th>Reason</th>
                <th>Created</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {status.recent.map((job) => (
                <tr key={job.id}>
                  <td>#{job.id}</td>
                  <td>{job.state}</td>
                  <td>{String(job.params.reason ?? '')}</td>
                  <td>{formatWhen(job.createdAt)}</td>
                  <td className="text-xs">
                    {job.error ??
                      (job.finishedAt && job.startedAt
                        ? `took ${formatDuration(job.finishedAt - job.startedAt)}`
                        : '')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
