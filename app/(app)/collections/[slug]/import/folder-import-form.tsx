'use client';

import { useState } from 'react';
import { apiRequest, errorMessage } from '@/components/api-request';
import { ImportJobView } from './import-job-view';

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
  const [running, setRunning] = useState(false);

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
      setRunning(true);
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
      {jobId !== null && (
        <ImportJobView key={jobId} jobId={jobId} onFinish={() => setRunning(false)} />
      )}
    </div>
  );
}
