'use client';

import { useRef, useState } from 'react';
import { errorMessage } from '@/components/api-request';
import { ImportJobView, type ImportNote } from './import-job-view';
import { sendBody } from './send-body';

/**
 * Drag-and-drop (or pick) images and zip archives. Images go up a small batch per request so the
 * progress bar moves and a failed request costs little; each zip goes up whole, streamed, and is
 * imported in a background job whose progress and report are shown below.
 */

const BATCH_FILES = 8;
const BATCH_BYTES = 16 * 1024 * 1024;

interface UploadReport {
  added: number;
  alreadyPresent: number;
  duplicates: number;
  failures: ImportNote[];
}

interface Totals {
  files: number;
  sent: number;
  added: number;
  alreadyPresent: number;
  failures: ImportNote[];
}

function batches(files: File[]): File[][] {
  const result: File[][] = [];
  let current: File[] = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= BATCH_FILES || bytes + file.size > BATCH_BYTES)) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size;
  }
  if (current.length > 0) result.push(current);
  return result;
}

function isZip(file: File): boolean {
  return /\.zip$/i.test(file.name) || file.type === 'application/zip';
}

export function UploadDropZone({
  collectionId,
  maxFileBytes,
}: {
  collectionId: number;
  maxFileBytes: number;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [totals, setTotals] = useState<Totals | null>(null);
  const [zipJobs, setZipJobs] = useState<{ id: number; name: string }[]>([]);
  const [error, setError] = useState<string | null>(null);

  async function uploadImages(images: File[]) {
    let state: Totals = {
      files: images.length,
      sent: 0,
      added: 0,
      alreadyPresent: 0,
      failures: [],
    };
    setTotals(state);

    for (const batch of batches(images)) {
      const form = new FormData();
      for (const file of batch) form.append('files', file, file.name);
      try {
        const { report } = await sendBody<{ report: UploadReport }>(
          `/api/collections/${collectionId}/imports/upload`,
          form,
        );
        state = {
          ...state,
          sent: state.sent + batch.length,
          added: state.added + report.added,
          alreadyPresent: state.alreadyPresent + report.alreadyPresent + report.duplicates,
          failures: [...state.failures, ...report.failures],
        };
      } catch (failure) {
        const reason = errorMessage(failure);
        state = {
          ...state,
          sent: state.sent + batch.length,
          failures: [...state.failures, ...batch.map((file) => ({ path: file.name, reason }))],
        };
      }
      setTotals(state);
    }
  }

  async function uploadZip(zip: File) {
    const url = `/api/collections/${collectionId}/imports/zip?name=${encodeURIComponent(zip.name)}`;
    const { job } = await sendBody<{ job: { id: number } }>(url, zip, {
      'content-type': 'application/zip',
    });
    setZipJobs((jobs) => [...jobs, { id: job.id, name: zip.name }]);
  }

  async function take(fileList: FileList | null) {
    const files = [...(fileList ?? [])];
    if (files.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      for (const zip of files.filter(isZip)) await uploadZip(zip);
      const images = files.filter((file) => !isZip(file));
      if (images.length > 0) await uploadImages(images);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  }

  return (
    <div className="space-y-4">
      <div
        role="group"
        aria-label="Drop images or zip archives here"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          void take(event.dataTransfer.files);
        }}
        className={`flex flex-col items-center gap-2 rounded-lg border-2 border-dashed px-4 py-8 text-center ${
          dragging ? 'border-accent bg-accent-soft' : 'border-line bg-paper'
        }`}
      >
        <p className="text-sm">Drop images or .zip archives here, or</p>
        <label className="btn btn-primary cursor-pointer">
          Choose files…
          <input
            ref={input}
            type="file"
            multiple
            accept="image/*,.zip,application/zip"
            className="sr-only"
            disabled={busy}
            onChange={(event) => void take(event.target.files)}
          />
        </label>
        <p className="hint">
          JPEG, PNG, WebP, TIFF, GIF or AVIF, up to {Math.round(maxFileBytes / (1024 * 1024))} MB
          each. In a zip, sub-folders named after labels label their images.
        </p>
      </div>

      {error && (
        <p role="alert" className="alert-error">
          {error}
        </p>
      )}
      {totals && <UploadProgress totals={totals} />}
      {zipJobs.map((job) => (
        <div key={job.id} className="space-y-1">
          <h3 className="font-semibold">{job.name}</h3>
          <ImportJobView jobId={job.id} unit="files" />
        </div>
      ))}
    </div>
  );
}

function UploadProgress({ totals }: { totals: Totals }) {
  const finished = totals.sent >= totals.files;
  return (
    <div aria-live="polite" className="space-y-2">
      <progress className="w-full" value={totals.sent} max={totals.files} />
      <p
        className={
          finished
            ? totals.failures.length > 0
              ? 'alert-error'
              : 'alert-ok'
            : 'text-sm text-muted'
        }
      >
        {finished ? 'Upload finished: ' : `${totals.sent} of ${totals.files} images sent: `}
        {totals.added} added, {totals.alreadyPresent} already in the collection,{' '}
        {totals.failures.length} failed.
      </p>
      {totals.failures.length > 0 && (
        <ul className="list-disc pl-5 text-sm">
          {totals.failures.map((failure, index) => (
            <li key={`${failure.path}-${index}`}>
              <code>{failure.path}</code>: {failure.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
