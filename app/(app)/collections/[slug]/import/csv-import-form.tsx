'use client';

import { sendBody } from './send-body';
import { ImportJobOutcome, useImportJob } from './use-import-job';

export function CsvImportForm({ collectionId }: { collectionId: number }) {
  const job = useImportJob();

  function start(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void job.start(() =>
      sendBody<{ job: { id: number } }>(`/api/collections/${collectionId}/imports/csv`, form),
    );
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
        <button type="submit" className="btn btn-primary" disabled={job.running}>
          {job.running ? 'Importing…' : 'Import CSV'}
        </button>
      </form>
      <ImportJobOutcome job={job} unit="rows" />
    </div>
  );
}
