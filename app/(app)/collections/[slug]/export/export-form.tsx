'use client';

import { useState } from 'react';
import {
  EXPORT_FORMATS,
  EXPORT_SCOPES,
  FORMAT_TITLES,
  SCOPE_TITLES,
  type ExportFormat,
  type ExportScope,
} from '@/lib/export/export-options';

/**
 * Chooses a format, a scope and the format's options, and offers the matching download link.
 * A link rather than a fetch: the browser streams the file to disk however large it is.
 */

interface Props {
  collectionId: number;
  singleLabel: boolean;
  hasActiveModel: boolean;
}

export function ExportForm({ collectionId, singleLabel, hasActiveModel }: Props) {
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [scope, setScope] = useState<ExportScope>('human');
  const [validationPercent, setValidationPercent] = useState(20);
  const [seed, setSeed] = useState(42);
  const [folderPerLabel, setFolderPerLabel] = useState(false);
  const [language, setLanguage] = useState('');

  const query = new URLSearchParams({ scope });
  if (format === 'hf-imagefolder') {
    query.set('validationRatio', String(validationPercent / 100));
    query.set('seed', String(seed));
    if (folderPerLabel && singleLabel) query.set('folderPerLabel', 'true');
  }
  if (format === 'web-annotations' && language.trim()) query.set('language', language.trim());
  const href = `/api/collections/${collectionId}/exports/${format}?${query}`;

  return (
    <form className="space-y-4" onSubmit={(event) => event.preventDefault()}>
      <div>
        <label htmlFor="export-format" className="field-label">
          Format
        </label>
        <select
          id="export-format"
          className="input"
          value={format}
          onChange={(event) => setFormat(event.target.value as ExportFormat)}
        >
          {EXPORT_FORMATS.map((value) => (
            <option key={value} value={value}>
              {FORMAT_TITLES[value]}
            </option>
          ))}
        </select>
      </div>

      <fieldset className="space-y-1">
        <legend className="field-label">What to export</legend>
        {EXPORT_SCOPES.map((value) => {
          const needsModel = value === 'model' && !hasActiveModel;
          return (
            <label key={value} className="flex items-center gap-2 text-sm">
              <input
                type="radio"
                name="scope"
                value={value}
                checked={scope === value}
                disabled={needsModel}
                onChange={() => setScope(value)}
              />
              {SCOPE_TITLES[value]}
              {needsModel && <span className="hint">(train a model first)</span>}
            </label>
          );
        })}
      </fieldset>

      {format === 'hf-imagefolder' && (
        <div className="grid gap-3 sm:grid-cols-2">
          <div>
            <label htmlFor="export-validation" className="field-label">
              Validation share (%)
            </label>
            <input
              id="export-validation"
              type="number"
              className="input"
              min={0}
              max={90}
              value={validationPercent}
              onChange={(event) => setValidationPercent(Number(event.target.value))}
            />
          </div>
          <div>
            <label htmlFor="export-seed" className="field-label">
              Split seed
            </label>
            <input
              id="export-seed"
              type="number"
              className="input"
              min={0}
              value={seed}
              onChange={(event) => setSeed(Number(event.target.value))}
            />
          </div>
          {singleLabel && (
            <label className="flex items-center gap-2 text-sm sm:col-span-2">
              <input
                type="checkbox"
                checked={folderPerLabel}
                onChange={(event) => setFolderPerLabel(event.target.checked)}
              />
              Also sort images into one folder per label (train/&lt;label&gt;/…)
            </label>
          )}
        </div>
      )}

      {format === 'web-annotations' && (
        <div>
          <label htmlFor="export-language" className="field-label">
            Language of the label names (optional)
          </label>
          <input
            id="export-language"
            className="input"
            placeholder="en"
            value={language}
            onChange={(event) => setLanguage(event.target.value)}
            aria-describedby="export-language-hint"
          />
          <p id="export-language-hint" className="hint">
            A BCP 47 tag such as <code>en</code> or <code>de-CH</code>, written on every label.
          </p>
        </div>
      )}

      <a className="btn btn-primary inline-block" href={href} download>
        Download
      </a>
    </form>
  );
}
