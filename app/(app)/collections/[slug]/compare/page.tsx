import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { listCurrentAnnotations } from '@/lib/annotation/annotation-repo';
import { requirePageUser } from '@/lib/auth/page-auth';
import { can } from '@/lib/auth/permissions';
import { getCollectionBySlug, listLabels } from '@/lib/collections/collection-repo';
import { getActiveModel, type ModelRow } from '@/lib/ml/model-repo';
import { listPredictions } from '@/lib/ml/prediction-repo';
import {
  compareModels,
  CONFIDENT_PROBABILITY,
  HISTOGRAM_BINS,
  type ComparedModel,
  type Spread,
  type StoredMetrics,
} from '@/lib/training/comparison';
import {
  ChartPatterns,
  MaxProbabilityHistogram,
  ReliabilityDiagram,
  type HistogramRow,
} from './comparison-charts';
import { ThresholdExplorer } from './threshold-explorer';

export const metadata: Metadata = { title: 'Classifier and labeler compared' };

type Props = { params: Promise<{ slug: string }> };

const PROBE_ROWS_SHOWN = 40;

function toCompared(db: ReturnType<typeof getDb>, model: ModelRow): ComparedModel {
  return {
    id: model.id,
    kind: model.kind,
    labelIds: model.labelIds,
    thresholds: model.thresholds,
    metrics: model.metrics,
    predictions: listPredictions(db, model.id),
  };
}

function n(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

function histogramRows(classifier: Spread, labeler: Spread): HistogramRow[] {
  return classifier.histogram.map((count, bin) => ({
    bin: `${(bin / HISTOGRAM_BINS).toFixed(1)}–${((bin + 1) / HISTOGRAM_BINS).toFixed(1)}`,
    classifier: count,
    labeler: labeler.histogram[bin] ?? 0,
  }));
}

function MetricsTable({
  classifier,
  labeler,
}: {
  classifier: StoredMetrics;
  labeler: StoredMetrics;
}) {
  const rows: [string, keyof StoredMetrics, string][] = [
    ['Macro-F1', 'macroF1', 'higher is better'],
    ['Micro-F1', 'microF1', 'higher is better'],
    ['Accuracy (exact label set)', 'accuracy', 'higher is better'],
    ['ECE (calibration error)', 'ece', 'lower is better'],
    ['Brier score', 'brier', 'lower is better'],
    ['Share given no label', 'noLabelShare', 'labeler only'],
    ['Validation items', 'count', ''],
  ];
  return (
    <table className="data-table" data-testid="metrics-table">
      <thead>
        <tr>
          <th>Metric (validation)</th>
          <th>Classifier</th>
          <th>Labeler</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, key, note]) => (
          <tr key={key}>
            <td>{name}</td>
            <td>
              {key === 'count'
                ? String(classifier.count ?? '—')
                : n(classifier[key] as number | null)}
            </td>
            <td>
              {key === 'count' ? String(labeler.count ?? '—') : n(labeler[key] as number | null)}
            </td>
            <td className="text-xs text-muted">{note}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SpreadTable({ spreads }: { spreads: { name: string; spread: Spread }[] }) {
  return (
    <table className="data-table">
      <thead>
        <tr>
          <th>Highest probability</th>
          <th>Items</th>
          <th>Min</th>
          <th>Median</th>
          <th>Max</th>
        </tr>
      </thead>
      <tbody>
        {spreads.map(({ name, spread }) => (
          <tr key={name}>
            <td>{name}</td>
            <td>{spread.count}</td>
            <td>{n(spread.min)}</td>
            <td>{n(spread.median)}</td>
            <td>{n(spread.max)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function ComparePage({ params }: Props) {
  const { slug } = await params;
  const user = await requirePageUser('model:read', `/collections/${slug}/compare`);
  const db = getDb();
  const collection = getCollectionBySlug(db, slug);
  if (!collection) notFound();

  const classifierRow = getActiveModel(db, collection.id, 'classifier');
  const labelerRow = getActiveModel(db, collection.id, 'labeler');
  if (!classifierRow || !labelerRow) {
    return (
      <div className="space-y-4">
        <h1>Classifier and labeler compared</h1>
        <p className="card p-5">
          The comparison needs an active classifier and an active labeler.{' '}
          <Link href={`/collections/${collection.slug}/models`}>
            Train both on the models page.
          </Link>
        </p>
      </div>
    );
  }

  const labels = listLabels(db, collection.id);
  const names = new Map(labels.map((label) => [label.id, label.name]));
  const classifier = toCompared(db, classifierRow);
  const labeler = toCompared(db, labelerRow);
  const annotations = listCurrentAnnotations(db, collection.id).flatMap((annotation) =>
    annotation.kind === 'labels' || annotation.kind === 'none'
      ? [{ itemId: annotation.itemId, kind: annotation.kind, labelIds: annotation.labelIds }]
      : [],
  );
  const comparison = compareModels(classifier, labeler, annotations);
  const { metrics, spread, abstentions, reliability, probe } = comparison;
  const labelerLabels = labeler.labelIds.map((id) => ({ id, name: names.get(id) ?? String(id) }));
  const reliabilityRows = (bins: typeof reliability.classifier) =>
    bins.map((bin) => ({
      confidence: bin.count > 0 ? bin.meanConfidence : (bin.lower + bin.upper) / 2,
      accuracy: bin.count > 0 ? bin.accuracy : null,
      count: bin.count,
    }));

  return (
    <div className="space-y-6">
      <ChartPatterns />
      <h1>Classifier and labeler compared</h1>
      <p className="text-muted">
        Active classifier #{classifier.id} and labeler #{labeler.id}, trained from the same
        annotations. In charts the classifier is solid, the labeler hatched or dashed.
      </p>

      <section className="card space-y-3 p-5" aria-labelledby="metrics-heading">
        <h2 id="metrics-heading">Validation metrics</h2>
        <MetricsTable classifier={metrics.classifier} labeler={metrics.labeler} />
        <table className="data-table">
          <thead>
            <tr>
              <th>Label</th>
              <th>Classifier P / R / F1</th>
              <th>Labeler P / R / F1</th>
              <th>Support</th>
            </tr>
          </thead>
          <tbody>
            {labelerLabels.map((label, index) => {
              const c = metrics.classifier.perLabel[classifier.labelIds.indexOf(label.id)];
              const l = metrics.labeler.perLabel[index];
              return (
                <tr key={label.id}>
                  <td>{label.name}</td>
                  <td>{c ? `${n(c.precision, 2)} / ${n(c.recall, 2)} / ${n(c.f1, 2)}` : '—'}</td>
                  <td>{l ? `${n(l.precision, 2)} / ${n(l.recall, 2)} / ${n(l.f1, 2)}` : '—'}</td>
                  <td>{l?.support ?? c?.support ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      <section className="card space-y-3 p-5" aria-labelledby="abstain-heading">
        <h2 id="abstain-heading">When the labeler says &ldquo;none of these&rdquo;</h2>
        <p data-testid="abstentions">
          Of {labeler.predictions.length} items, the labeler gives{' '}
          <strong>{abstentions.labelerNoLabel}</strong> no label and flags{' '}
          <strong>{abstentions.labelerNovel}</strong> as novel ({abstentions.labelerAbstains} items
          either way). The classifier labels{' '}
          <strong>{abstentions.classifierConfidentOnThose}</strong> of those{' '}
          {abstentions.labelerAbstains} with over {CONFIDENT_PROBABILITY} confidence: a classifier
          must always pick a label.
        </p>
      </section>

      <section className="card space-y-3 p-5" aria-labelledby="spread-heading">
        <h2 id="spread-heading">How sure are they?</h2>
        <p className="text-sm text-muted">
          Each item&rsquo;s highest probability. Items nobody annotated should look less certain
          than annotated ones; a model that is as sure of everything cannot be trusted to flag the
          unusual.
        </p>
        <div className="grid gap-4 md:grid-cols-2">
          <MaxProbabilityHistogram
            title="Annotated items"
            rows={histogramRows(spread.classifier.annotated, spread.labeler.annotated)}
          />
          <MaxProbabilityHistogram
            title="Unannotated items"
            rows={histogramRows(spread.classifier.unannotated, spread.labeler.unannotated)}
          />
        </div>
        <SpreadTable
          spreads={[
            { name: 'Classifier, annotated', spread: spread.classifier.annotated },
            { name: 'Classifier, unannotated', spread: spread.classifier.unannotated },
            { name: 'Labeler, annotated', spread: spread.labeler.annotated },
            { name: 'Labeler, unannotated', spread: spread.labeler.unannotated },
          ]}
        />
      </section>

      <section className="card space-y-3 p-5" aria-labelledby="threshold-heading">
        <h2 id="threshold-heading">Labeler thresholds</h2>
        <ThresholdExplorer
          modelId={labeler.id}
          labels={labelerLabels}
          thresholds={labeler.thresholds ?? labeler.labelIds.map(() => 0.5)}
          prCurves={metrics.labeler.prCurves}
          // TODO: past some tens of thousands of items, send a sample for the live count; every
          // probability is sent now (see docs/training.md for the measured costs).
          probabilities={labeler.predictions.map((p) => p.probabilities)}
          mayEdit={can(user.role, 'model:train')}
        />
      </section>

      <section className="card space-y-3 p-5" aria-labelledby="reliability-heading">
        <h2 id="reliability-heading">Reliability</h2>
        <p className="text-sm text-muted">
          Predicted probability against how often it was right, on annotated items (training items
          included, so both look better than on new items; the validation ECE above is the honest
          number). Points under the dotted diagonal are overconfident.
        </p>
        <div className="grid gap-4 md:grid-cols-2">
          <ReliabilityDiagram
            title="Classifier (top label)"
            rows={reliabilityRows(reliability.classifier)}
            dashed={false}
          />
          <ReliabilityDiagram
            title="Labeler (every label of every item)"
            rows={reliabilityRows(reliability.labeler)}
            dashed
          />
        </div>
      </section>

      <section className="card space-y-3 p-5" aria-labelledby="probe-heading">
        <h2 id="probe-heading">Out-of-scope probe: items marked &ldquo;none of these&rdquo;</h2>
        {probe.rows.length === 0 ? (
          <p className="text-muted">No item is annotated &ldquo;none of these&rdquo; yet.</p>
        ) : (
          <>
            <p data-testid="probe-summary">
              {probe.rows.length} items: the classifier names a label with over{' '}
              {CONFIDENT_PROBABILITY} confidence for <strong>{probe.classifierConfident}</strong>;
              the labeler gives no label or a novelty flag for{' '}
              <strong>{probe.labelerAbstains}</strong>.
            </p>
            <table className="data-table">
              <thead>
                <tr>
                  <th>Item</th>
                  <th>Classifier: top label (confidence)</th>
                  <th>Labeler: labels</th>
                  <th>Novelty</th>
                </tr>
              </thead>
              <tbody>
                {probe.rows.slice(0, PROBE_ROWS_SHOWN).map((row) => (
                  <tr key={row.itemId}>
                    <td>
                      <Link href={`/collections/${collection.slug}/items/${row.itemId}`}>
                        #{row.itemId}
                      </Link>
                    </td>
                    <td>
                      {row.classifierTopLabelId === null
                        ? '—'
                        : names.get(row.classifierTopLabelId)}{' '}
                      ({n(row.classifierConfidence, 2)})
                    </td>
                    <td>
                      {row.labelerLabelIds.length === 0
                        ? 'no label'
                        : row.labelerLabelIds.map((id) => names.get(id)).join(', ')}
                    </td>
                    <td>
                      {n(row.labelerNovelty, 2)} {row.labelerNovel ? '(flagged novel)' : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {probe.rows.length > PROBE_ROWS_SHOWN && (
              <p className="hint">
                The first {PROBE_ROWS_SHOWN} of {probe.rows.length} are listed.
              </p>
            )}
          </>
        )}
      </section>
    </div>
  );
}
