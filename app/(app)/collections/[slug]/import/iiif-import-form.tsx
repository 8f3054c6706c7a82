'use client';

import { useState } from 'react';
import { apiRequest, errorMessage } from '@/components/api-request';
import { ImportJobView } from './import-job-view';

export function IiifImportForm({ collectionId }: { collectionId: number }) {
  const [url, setUrl] = useState('');
  const [jobId, setJobId] = useState<number | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setRunning(true);
    try {
      const { job } = await apiRequest<{ job: { id: number } }>(
        `/api/collections/${collectionId}/imports/iiif`,
        { method: 'POST', body: { url } },
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
          <label htmlFor="iiif-url" className="field-label">
            Manifest or collection URL
          </label>
          <input
            id="iiif-url"
            type="url"
            required
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            placeholder="https://example.org/iiif/book/manifest.json"
            aria-describedby="iiif-hint"
            className="input font-mono"
          />
          <p id="iiif-hint" className="hint">
            IIIF Presentation 2 or 3. Each canvas becomes one item, fetched at most 1024 px on its
            longer side, with the manifest&rsquo;s label, metadata and rights. A collection is
            followed to its manifests.
          </p>
        </div>
        <button type="submit" className="btn btn-primary" disabled={running}>
          {running ? 'Importing…' : 'Import from IIIF'}
        </button>
      </form>
      {error && (
        <p role="alert" className="alert-error">
          {error}
        </p>
      )}
      {jobId !== null && (
        <ImportJobView
          key={jobId}
          jobId={jobId}
          unit="canvases"
          onFinish={() => setRunning(false)}
        />
      )}
    </div>
  );
}
