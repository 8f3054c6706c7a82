import type { LabelScore } from '@/lib/review/review-card-repo';
import type { ReviewLabel } from './review-workbench';

/**
 * The labeler's per-label probabilities as bars with each label's threshold drawn as a tick, and
 * the numbers beside them, so the reading never depends on colour alone.
 */
export function ProbabilityBars(props: {
  scores: LabelScore[];
  labelById: Map<number, ReviewLabel>;
}) {
  return (
    <table className="w-full text-sm" aria-label="Labeler probabilities and thresholds">
      <thead className="sr-only">
        <tr>
          <th>Label</th>
          <th>Probability against threshold</th>
          <th>Numbers</th>
        </tr>
      </thead>
      <tbody>
        {props.scores.map((score) => {
          const label = props.labelById.get(score.labelId);
          const percent = Math.round(score.probability * 100);
          return (
            <tr key={score.labelId}>
              <td className="w-1/3 truncate pr-2">{label?.name ?? `Label ${score.labelId}`}</td>
              <td className="w-1/3">
                <div
                  className="relative h-3 rounded-sm border border-line bg-white"
                  aria-hidden="true"
                >
                  <div
                    className={`h-full rounded-sm ${score.predicted ? 'bg-accent' : 'bg-stone-400'}`}
                    style={{ width: `${percent}%` }}
                  />
                  {score.threshold !== null ? (
                    <div
                      className="absolute -top-1 -bottom-1 w-0.5 bg-ink"
                      style={{ left: `${score.threshold * 100}%` }}
                    />
                  ) : null}
                </div>
              </td>
              <td className="pl-2 whitespace-nowrap tabular-nums">
                {score.probability.toFixed(2)}
                {score.threshold !== null ? ` / ${score.threshold.toFixed(2)}` : ''}
                {score.predicted ? ' ✓ above' : ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
