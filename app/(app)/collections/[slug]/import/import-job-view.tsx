'use client';

import { useEffect, useState } from 'react';
import { apiRequest, errorMessage } from '@/components/api-request';

/**
 * The progress and report of any import job (folder, zip, IIIF, CSV), polled until it finishes.
 * Reports differ by source; this view shows the counts each one has and every entry of its
 * failure, note and skip lists.
 */

const POLL_INTERVAL_MS = 1000;

export interface ImportNote {
  path: string;
  reason: string;
}

export interface ImportReport {
  source?: string;
  filesFound?: number;
  rows?: number;
  manifestsRead?: number;
  canvasesFound?: number;
  added: number;
  alreadyPresent?: number;
  updated?: number;
  duplicates?: number;
  labelsCreated?: string[];
  annotationsCreated?: number;
  failures: ImportNote[];
  zipFailures?: ImportNote[];
  notes?: ImportNote[];
  skipped?: ImportNote[];
  conflicts?: { paths: string[]; labels: string[] }[];
  cancelled?: boolean;
  durationMs?: number;
}

export interface ImportJob {
  id: number;
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: { done?: number; total?: number; stage?: string } | null;
  result: ImportReport | null;
  error: string | null;
}

export function isFinished(job: ImportJob): boolean {
  return job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled';
}

/** Polls a job until it finishes; returns its latest state. */
export function useJob(jobId: number | null): { job: ImportJob | null; pollError: string | null } {
  const [job, setJob] = useState<ImportJob | null>(null);
  const [pollError, setPollError] = useState<string | null>(null);

  useEffect(() => {
    if (jobId === null) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    async function poll() {
      try {
        const { job: latest } = await apiRequest<{ job: ImportJob }>(`/api/jobs/${jobId}`);
        if (stopped) return;
        setJob(latest);
        setPollError(null);
        if (!isFinished(latest)) timer = setTimeout(poll, POLL_INTERVAL_MS);
      } catch (failure) {
        if (stopped) return;
        setPollError(errorMessage(failure));
        timer = setTimeout(poll, POLL_INTERVAL_MS);
      }
    }
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [jobId]);

  return { job, pollError };
}

const STAGE_WORDS: Record<string, string> = {
  unpacking: 'entries unpacked',
  importing: 'done',
  reading: 'documents read',
};

/** The job's progress bar while it runs, then its report or its error. */
export function ImportJobView({
  jobId,
  unit = 'files',
  onFinish,
}: {
  jobId: number;
  unit?: string;
  onFinish?: () => void;
}) {
  const { job, pollError } = useJob(jobId);
  const finished = job !== null && isFinished(job);

  useEffect(() => {
    if (finished) onFinish?.();
  }, [finished, onFinish]);

  return (
    <div className="space-y-2">
      {pollError && <p className="alert-error">{pollError}</p>}
      <JobStatus job={job} unit={unit} />
    </div>
  );
}

function JobStatus({ job, unit }: { job: ImportJob | null; unit: string }) {
  if (job === null || !isFinished(job)) {
    const done = job?.progress?.done ?? 0;
    const total = job?.progress?.total;
    const stage = job?.progress?.stage;
    const words = stage && stage !== 'importing' ? (STAGE_WORDS[stage] ?? stage) : `${unit} done`;
    return (
      <div aria-live="polite" className="space-y-1">
        <progress className="w-full" value={done} max={total || undefined} />
        <p className="text-sm text-muted">
          {total === undefined ? 'Starting…' : `${done} of ${total} ${words}.`}
        </p>
      </div>
    );
  }

  if (job.state === 'failed') {
    return (
      <p role="alert" className="alert-error">
        The import failed: {job.error}
      </p>
    );
  }

  return job.result ? <ImportReportView report={job.result} /> : null;
}

function countRows(report: ImportReport): [string, string | number][] {
  const rows: [string, string | number | undefined][] = [
    ['Rows read', report.rows],
    ['Manifests read', report.manifestsRead],
    ['Canvases found', report.canvasesFound],
    ['Files found', report.filesFound],
    ['Added', report.added],
    ['Updated', report.updated],
    ['Already in the collection', report.alreadyPresent],
    ['Duplicate copies', report.duplicates],
    ['Labels created', report.labelsCreated?.length ? report.labelsCreated.join(', ') : undefined],
    ['Annotations created', report.annotationsCreated],
    ['Failed', report.failures.length + (report.zipFailures?.length ?? 0)],
    [
      'Time',
      report.durationMs === undefined ? undefined : `${(report.durationMs / 1000).toFixed(1)} s`,
    ],
  ];
  return rows.filter((row): row is [string, string | number] => row[1] !== undefined);
}

function NoteList({ title, notes }: { title: string; notes: ImportNote[] | undefined }) {
  if (!notes || notes.length === 0) return null;
  return (
    <div>
      <h3 className="font-semibold">{title}</h3>
      <ul className="list-disc pl-5 text-sm">
        {notes.map((note, index) => (
          <li key={`${note.path}-${index}`}>
            <code className="break-all">{note.path}</code>: {note.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ImportReportView({ report }: { report: ImportReport }) {
  const failed = report.failures.length + (report.zipFailures?.length ?? 0);
  return (
    <div aria-live="polite" className="space-y-3">
      <p className={failed > 0 ? 'alert-error' : 'alert-ok'}>
        {report.cancelled ? 'The import was cancelled. ' : 'The import finished. '}
        {report.added} added
        {report.updated !== undefined ? `, ${report.updated} updated` : ''}, {failed} failed.
      </p>
      <table className="data-table">
        <tbody>
          {countRows(report).map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <NoteList title="Not imported" notes={report.failures} />
      <NoteList title="Refused from the zip" notes={report.zipFailures} />
      {report.conflicts && report.conflicts.length > 0 && (
        <div>
          <h3 className="font-semibold">
            Imported without a label (found in several label folders)
          </h3>
          <ul className="list-disc pl-5 text-sm">
            {report.conflicts.map((conflict) => (
              <li key={conflict.paths.join('|')}>
                <code>{conflict.paths.join(', ')}</code>: {conflict.labels.join(', ')}
              </li>
            ))}
          </ul>
        </div>
      )}
      <NoteList title="Notes" notes={report.notes} />
      <NoteList title="Skipped" notes={report.skipped} />
    </div>
  );
}
