'use client';

import { useState } from 'react';
import { apiRequest } from '@/components/api-request';
import { ImportJobOutcome, useImportJob } from './use-import-job';

export function FolderImportForm({
  collectionId,
  importRoots,
}: {
  collectionId: number;
  importRoots: string[];
}) {
  const [folder, setFolder] = useState(importRoots[0] ?? '');
  const job = useImportJob();

  function start(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void job.start(() =>
      apiRequest<{ job: { id: number } }>(`/api/collections/${collectionId}/imports/folder`, {
        method: 'POST',
        body: { path: folder },
      }),
    );
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
        <button type="submit" className="btn btn-primary" disabled={job.running}>
          {job.running ? 'Importing…' : 'Start import'}
        </button>
      </form>

      <ImportJobOutcome job={job} />
    </div>
  );
}
