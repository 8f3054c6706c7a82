'use client';

import { useEffect, useState } from 'react';
import { apiRequest, errorMessage } from '@/components/api-request';

const POLL_INTERVAL_MS = 1000;

interface ImportReport {
  filesFound: number;
  added: number;
  alreadyPresent: number;
  duplicates: number;
  labelsCreated: string[];
  annotationsCreated: number;
  failures: { path: string; reason: string }[];
  skipped: { path: string; reason: string }[];
  conflicts: { paths: string[]; labels: string[] }[];
  cancelled: boolean;
  durationMs: number;
}

interface ImportJob {
  id: number;
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: { done?: number; total?: number } | null;
  result: ImportReport | null;
  error: string | null;
}

function isFinished(job: ImportJob): boolean {
  return job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled';
}

/** Polls a job until it finishes; returns its latest state. */
function useJob(jobId: number | null): { job: ImportJob | null; pollError: string | null } {
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

export function FolderImportForm({
  collectionId,
  importRoots,
}: {
  collectionId: number;
  importRoots: string[];
}) {
  const [folder, setFolder] = useState(importRoots[0] ?? '');
  const [jobId, setJobId] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { job, pollError } = useJob(jobId);
  const running = jobId !== null && (job === null || !isFinished(job));

  async function start(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const response = await apiRequest<{ job: { id: number } }>(
        `/api/collections/${collectionId}/imports/folder`,
        { method: 'POST', body: { path: folder } },
      );
      setJobId(response.job.id);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  if (importRoots.length === 0) {
    return (
      <p className="text-sm">
        No server folders are open for import. Set <code>CURIO_IMPORT_ROOTS</code> to a
        comma-separated list of folders (for example <code>CURIO_IMPORT_ROOTS=/srv/images</code>)
        and restart Curio.
      </p>
    );
  }

  return (
    <div className="space-y-4">
      <form onSubmit={start} className="space-y-3">
        <div>
          <label htmlFor="folder" className="field-label">
            Folder
          </label>
          <input
            id="folder"
            name="path"
            required
            value={folder}
            onChange={(event) => setFolder(event.target.value)}
            aria-describedby="folder-hint"
            className="input font-mono"
          />
          <p id="folder-hint" className="hint">
            A folder inside{' '}
            {importRoots.length === 1 ? 'the import root' : 'one of the import roots'}:{' '}
            {importRoots.map((root, index) => (
              <span key={root}>
                {index > 0 && ', '}
                <code>{root}</code>
              </span>
            ))}
            . A relative path is taken inside <code>{importRoots[0]}</code>.
          </p>
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy || running}>
          {running ? 'Importing…' : 'Start import'}
        </button>
      </form>

      {error && (
        <p role="alert" className="alert-error">
          {error}
        </p>
      )}
      {pollError && <p className="alert-error">{pollError}</p>}
      {jobId !== null && <JobStatus job={job} />}
    </div>
  );
}

function JobStatus({ job }: { job: ImportJob | null }) {
  if (job === null || !isFinished(job)) {
    const done = job?.progress?.done ?? 0;
    const total = job?.progress?.total;
    return (
      <div aria-live="polite" className="space-y-1">
        <progress className="w-full" value={done} max={total ?? undefined} />
        <p className="text-sm text-muted">
          {total === undefined ? 'Looking through the folder…' : `${done} of ${total} files read.`}
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

function ImportReportView({ report }: { report: ImportReport }) {
  const rows: [string, string | number][] = [
    ['Files found', report.filesFound],
    ['Added', report.added],
    ['Already in the collection', report.alreadyPresent],
    ['Duplicate copies in the folder', report.duplicates],
    ['Labels created', report.labelsCreated.length > 0 ? report.labelsCreated.join(', ') : 'none'],
    ['Annotations created', report.annotationsCreated],
    ['Failed', report.failures.length],
    ['Time', `${(report.durationMs / 1000).toFixed(1)} s`],
  ];

  return (
    <div aria-live="polite" className="space-y-3">
      <p className={report.failures.length > 0 ? 'alert-error' : 'alert-ok'}>
        {report.cancelled ? 'The import was cancelled. ' : 'The import finished. '}
        {report.added} added, {report.failures.length} failed.
      </p>
      <table className="data-table">
        <tbody>
          {rows.map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.failures.length > 0 && (
        <div>
          <h3 className="font-semibold">Files that were not imported</h3>
          <ul className="list-disc pl-5 text-sm">
            {report.failures.map((failure) => (
              <li key={failure.path}>
                <code>{failure.path}</code>: {failure.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {report.conflicts.length > 0 && (
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
      {report.skipped.length > 0 && (
        <p className="hint">
          Skipped as metadata: {report.skipped.map((entry) => entry.path).join(', ')}
        </p>
      )}
    </div>
  );
}
