'use client';

import { useState } from 'react';
import { apiRequest } from '@/components/api-request';
import { ImportJobOutcome, useImportJob } from './use-import-job';

export function IiifImportForm({ collectionId }: { collectionId: number }) {
  const [url, setUrl] = useState('');
  const job = useImportJob();

  function start(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void job.start(() =>
      apiRequest<{ job: { id: number } }>(`/api/collections/${collectionId}/imports/iiif`, {
        method: 'POST',
        body: { url },
      }),
    );
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
        <button type="submit" className="btn btn-primary" disabled={job.running}>
          {job.running ? 'Importing…' : 'Import from IIIF'}
        </button>
      </form>
      <ImportJobOutcome job={job} unit="canvases" />
    </div>
  );
}
