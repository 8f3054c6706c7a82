'use client';

import { useState } from 'react';
import { errorMessage } from '@/components/api-request';
import { ImportJobView } from './import-job-view';

/**
 * The life of one import started from a form: the request that creates the job, then the job's
 * progress until it finishes. Every import form shares it, so they behave alike.
 */
export function useImportJob() {
  const [jobId, setJobId] = useState<number | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start(request: () => Promise<{ job: { id: number } }>) {
    setError(null);
    setRunning(true);
    try {
      const { job } = await request();
      setJobId(job.id);
    } catch (failure) {
      setError(errorMessage(failure));
      setRunning(false);
    }
  }

  return { jobId, running, error, start, finish: () => setRunning(false) };
}

/** The error of the starting request, or the job's live progress and report. */
export function ImportJobOutcome({
  job,
  unit,
}: {
  job: ReturnType<typeof useImportJob>;
  unit?: string;
}) {
  return (
    <>
      {job.error && (
        <p role="alert" className="alert-error">
          {job.error}
        </p>
      )}
      {job.jobId !== null && (
        <ImportJobView key={job.jobId} jobId={job.jobId} unit={unit} onFinish={job.finish} />
      )}
    </>
  );
}
