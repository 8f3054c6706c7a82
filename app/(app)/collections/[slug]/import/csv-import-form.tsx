'use client';

import { useState } from 'react';
import { errorMessage } from '@/components/api-request';
import { ImportJobView } from './import-job-view';
import { sendBody } from './send-body';

export function CsvImportForm({ collectionId }: { collectionId: number }) {
  const [jobId, setJobId] = useState<number | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setRunning(true);
    try {
      const { job } = await sendBody<{ job: { id: number } }>(
        `/api/collections/${collectionId}/imports/csv`,
        new FormData(event.currentTarget),
      );
      setJobId(job.id);
    } catch (failure) {
      setError(errorMessage(failure));
      setRunning(false);
    }
  }

  return (
    <div className="space-y-4">
      <form onSubmit={start} className="space-y-3">
        <div>
          <label htmlFor="csv-file" className="field-label">
            CSV file
          </label>
          <input
            id="csv-file"
            name="csv"
            type="file"
            accept=".csv,text/csv"
            required
            className="input"
          />
        </div>
        <div>
          <label htmlFor="csv-zip" className="field-label">
            Zip with the images (optional)
          </label>
          <input
            id="csv-zip"
            name="zip"
            type="file"
            accept=".zip,application/zip"
            aria-describedby="csv-zip-hint"
            className="input"
          />
          <p id="csv-zip-hint" className="hint">
            Needed when the media column names files rather than URLs.
          </p>
        </div>
        <button type="submit" className="btn btn-primary" disabled={running}>
          {running ? 'Importing…' : 'Import CSV'}
        </button>
      </form>
      {error && (
        <p role="alert" className="alert-error">
          {error}
        </p>
      )}
      {jobId !== null && (
        <ImportJobView key={jobId} jobId={jobId} unit="rows" onFinish={() => setRunning(false)} />
      )}
    </div>
  );
}
