'use client';

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceDot,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/**
 * Charts of the comparison page. Every chart tells the two models apart without colour: the
 * labeler's bars are hatched and its lines dashed, both are named in the legend, and the numbers
 * are also in the tables beside the charts.
 */

export const CLASSIFIER_COLOUR = '#1d5b6b';
export const LABELER_COLOUR = '#b35c00';

export function ChartPatterns() {
  return (
    <svg width="0" height="0" aria-hidden="true" style={{ position: 'absolute' }}>
      <defs>
        <pattern
          id="labeler-hatch"
          width="6"
          height="6"
          patternUnits="userSpaceOnUse"
          patternTransform="rotate(45)"
        >
          <rect width="6" height="6" fill="#fff" />
          <line x1="0" y1="0" x2="0" y2="6" stroke={LABELER_COLOUR} strokeWidth="3" />
        </pattern>
      </defs>
    </svg>
  );
}

export interface HistogramRow {
  bin: string;
  classifier: number;
  labeler: number;
}

export function MaxProbabilityHistogram({ title, rows }: { title: string; rows: HistogramRow[] }) {
  return (
    <figure className="space-y-1">
      <figcaption className="text-sm font-medium">{title}</figcaption>
      <div className="h-56 w-full">
        <ResponsiveContainer>
          <BarChart data={rows} margin={{ top: 5, right: 10, bottom: 20, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="bin"
              label={{ value: 'highest probability', position: 'insideBottom', offset: -12 }}
            />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend verticalAlign="top" />
            <Bar
              dataKey="classifier"
              name="classifier (solid)"
              fill={CLASSIFIER_COLOUR}
              isAnimationActive={false}
            />
            <Bar
              dataKey="labeler"
              name="labeler (hatched)"
              fill="url(#labeler-hatch)"
              stroke={LABELER_COLOUR}
              isAnimationActive={false}
            />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export interface ReliabilityRow {
  confidence: number;
  accuracy: number | null;
  count: number;
}

export function ReliabilityDiagram({
  title,
  rows,
  dashed,
}: {
  title: string;
  rows: ReliabilityRow[];
  dashed: boolean;
}) {
  const colour = dashed ? LABELER_COLOUR : CLASSIFIER_COLOUR;
  const diagonal = [
    { confidence: 0, ideal: 0 },
    { confidence: 1, ideal: 1 },
  ];
  return (
    <figure className="space-y-1">
      <figcaption className="text-sm font-medium">{title}</figcaption>
      <div className="h-56 w-full">
        <ResponsiveContainer>
          <LineChart margin={{ top: 5, right: 10, bottom: 20, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="confidence"
              domain={[0, 1]}
              ticks={[0, 0.2, 0.4, 0.6, 0.8, 1]}
              label={{ value: 'predicted probability', position: 'insideBottom', offset: -12 }}
            />
            <YAxis type="number" domain={[0, 1]} ticks={[0, 0.5, 1]} />
            <Tooltip />
            <Legend verticalAlign="top" />
            <Line
              data={diagonal}
              dataKey="ideal"
              name="perfect calibration (dotted)"
              stroke="#888"
              strokeDasharray="2 4"
              dot={false}
              isAnimationActive={false}
            />
            <Line
              data={rows.filter((row) => row.accuracy !== null)}
              dataKey="accuracy"
              name={dashed ? 'labeler: observed share (dashed)' : 'classifier: accuracy (solid)'}
              stroke={colour}
              strokeWidth={2}
              strokeDasharray={dashed ? '6 3' : undefined}
              dot={{ r: 3 }}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export function PrCurveChart({
  points,
  current,
}: {
  points: { recall: number; precision: number }[];
  current: { recall: number; precision: number } | null;
}) {
  return (
    <div className="h-64 w-full">
      <ResponsiveContainer>
        <LineChart data={points} margin={{ top: 5, right: 10, bottom: 20, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="recall"
            domain={[0, 1]}
            label={{ value: 'recall', position: 'insideBottom', offset: -12 }}
          />
          <YAxis
            type="number"
            domain={[0, 1]}
            label={{ value: 'precision', angle: -90, position: 'insideLeft' }}
          />
          <Tooltip />
          <Line
            dataKey="precision"
            name="labeler PR curve (validation)"
            stroke={LABELER_COLOUR}
            strokeDasharray="6 3"
            dot={false}
            isAnimationActive={false}
          />
          {current && (
            <ReferenceDot
              x={current.recall}
              y={current.precision}
              r={6}
              fill="#fff"
              stroke="#000"
              strokeWidth={2}
              label={{ value: 'threshold', position: 'top' }}
            />
          )}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
