import { sql } from 'drizzle-orm';
import {
  blob,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

/**
 * Curio's data model. Timestamps are integer milliseconds since the epoch. Annotations are
 * append-only: an item's current annotation is its newest row, and items.current_annotation_id
 * points at it so that queues and filters never have to search the history.
 */

const createdAt = () =>
  integer('created_at', { mode: 'number' })
    .notNull()
    .default(sql`(cast(unixepoch('subsec') * 1000 as integer))`);

export const ROLES = ['admin', 'curator', 'reviewer'] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  /** Per-user preferences, such as hiding model suggestions while annotating. */
  settings: text('settings', { mode: 'json' })
    .$type<{ hideSuggestions?: boolean }>()
    .notNull()
    .default({}),
  disabledAt: integer('disabled_at'),
  createdAt: createdAt(),
});

export const sessions = sqliteTable(
  'sessions',
  {
    /** SHA-256 of the cookie token: a stolen database does not yield live sessions. */
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: integer('expires_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const ANNOTATION_MODES = ['single', 'multi'] as const;
export type AnnotationMode = (typeof ANNOTATION_MODES)[number];

export const collections = sqliteTable('collections', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  annotationMode: text('annotation_mode', { enum: ANNOTATION_MODES }).notNull(),
  /** Retrain automatically after this many new annotations; null means off. */
  autoRetrainAfter: integer('auto_retrain_after'),
  /** Share of random items mixed into review queues, 0..1. */
  queueRandomShare: real('queue_random_share').notNull().default(0.1),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: integer('updated_at'),
});

export const labels = sqliteTable(
  'labels',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    collectionId: integer('collection_id')
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** One key, such as "1" or "g"; null when the label has none. */
    hotkey: text('hotkey'),
    colour: text('colour').notNull(),
    position: integer('position').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('labels_collection_name_uq').on(t.collectionId, t.name),
    uniqueIndex('labels_collection_hotkey_uq').on(t.collectionId, t.hotkey),
  ],
);

export const SOURCE_KINDS = ['upload', 'zip', 'folder', 'iiif', 'csv', 'demo'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const items = sqliteTable(
  'items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    collectionId: integer('collection_id')
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    sourceKind: text('source_kind', { enum: SOURCE_KINDS }).notNull(),
    /** Where the item came from: a path relative to its import root, a URL, a zip entry. */
    sourceUri: text('source_uri').notNull(),
    /** The institution's own key (dcterms:identifier); re-imports update the matching item. */
    identifier: text('identifier'),
    /** SHA-256 of the original bytes, hex. */
    contentHash: text('content_hash').notNull(),
    /** Path of the stored original, relative to the data directory. */
    filePath: text('file_path').notNull(),
    mimeType: text('mime_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    title: text('title'),
    metadata: text('metadata', { mode: 'json' })
      .$type<Record<string, unknown>>()
      .notNull()
      .default({}),
    /** The newest annotation of this item; null while it has none. */
    currentAnnotationId: integer('current_annotation_id'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('items_collection_hash_uq').on(t.collectionId, t.contentHash),
    uniqueIndex('items_collection_identifier_uq').on(t.collectionId, t.identifier),
    index('items_collection_current_idx').on(t.collectionId, t.currentAnnotationId, t.id),
    // Keyset pages of one collection walk this index whatever order items were imported in.
    index('items_collection_id_idx').on(t.collectionId, t.id),
  ],
);

export const ANNOTATION_SOURCES = ['human', 'review', 'import'] as const;
export type AnnotationSource = (typeof ANNOTATION_SOURCES)[number];

/**
 * labels: one or more labels (rows in annotation_labels); none: the curator said no label fits;
 * cleared: the item is back to unannotated, as when the first annotation is undone.
 */
export const ANNOTATION_KINDS = ['labels', 'none', 'cleared'] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

export const annotations = sqliteTable(
  'annotations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    /** Null for annotations written by the CLI without an account. */
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    kind: text('kind', { enum: ANNOTATION_KINDS }).notNull(),
    source: text('source', { enum: ANNOTATION_SOURCES }).notNull(),
    /** The model whose suggestion was on screen, if any. */
    suggestedByModelId: integer('suggested_by_model_id').references(() => models.id, {
      onDelete: 'set null',
    }),
    /** The review queue the item came from, such as "uncertain" or "no-label". */
    queue: text('queue'),
    /** Set when this row undoes an earlier one. */
    undoOfId: integer('undo_of_id'),
    createdAt: createdAt(),
  },
  (t) => [
    index('annotations_item_idx').on(t.itemId, t.id),
    index('annotations_user_idx').on(t.userId, t.id),
  ],
);

export const annotationLabels = sqliteTable(
  'annotation_labels',
  {
    annotationId: integer('annotation_id')
      .notNull()
      .references(() => annotations.id, { onDelete: 'cascade' }),
    labelId: integer('label_id')
      .notNull()
      .references(() => labels.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.annotationId, t.labelId] }),
    index('annotation_labels_label_idx').on(t.labelId, t.annotationId),
  ],
);

/** A curator's short claim on an item so that two people never annotate the same one at once. */
export const itemLeases = sqliteTable(
  'item_leases',
  {
    itemId: integer('item_id')
      .primaryKey()
      .references(() => items.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    queue: text('queue').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('item_leases_expiry_idx').on(t.expiresAt)],
);

export const MODEL_KINDS = ['classifier', 'labeler'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const MODEL_STATUSES = ['training', 'ready', 'failed'] as const;

export const models = sqliteTable(
  'models',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    collectionId: integer('collection_id')
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: MODEL_KINDS }).notNull(),
    status: text('status', { enum: MODEL_STATUSES }).notNull(),
    /** At most one active model per collection and kind (partial unique index below). */
    active: integer('active', { mode: 'boolean' }).notNull().default(false),
    backbone: text('backbone').notNull(),
    backend: text('backend').notNull(),
    /** Label ids in the order of the model's outputs. */
    labelIds: text('label_ids', { mode: 'json' }).$type<number[]>().notNull(),
    /** Per-label decision thresholds (labeler), in output order. */
    thresholds: text('thresholds', { mode: 'json' }).$type<number[] | null>(),
    noveltyThreshold: real('novelty_threshold'),
    metrics: text('metrics', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    /** The whole model card as saved beside the weights. */
    card: text('card', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    trainCount: integer('train_count').notNull().default(0),
    validationCount: integer('validation_count').notNull().default(0),
    /** Newest annotation id included in the training snapshot. */
    snapshotAnnotationId: integer('snapshot_annotation_id'),
    seed: integer('seed').notNull().default(0),
    durationMs: integer('duration_ms'),
    /** Folder of the TF.js artifacts, relative to the data directory. */
    artifactPath: text('artifact_path'),
    jobId: integer('job_id').references(() => jobs.id, { onDelete: 'set null' }),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('models_collection_idx').on(t.collectionId, t.kind, t.id),
    uniqueIndex('models_one_active_uq')
      .on(t.collectionId, t.kind)
      .where(sql`${t.active} = 1`),
  ],
);

export const JOB_KINDS = ['import', 'embed', 'train', 'score', 'export'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const jobs = sqliteTable(
  'jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    collectionId: integer('collection_id').references(() => collections.id, {
      onDelete: 'cascade',
    }),
    kind: text('kind', { enum: JOB_KINDS }).notNull(),
    state: text('state', { enum: JOB_STATES }).notNull().default('queued'),
    params: text('params', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    /** Latest progress: stage, done, total and whatever the stage reports. */
    progress: text('progress', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    result: text('result', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    error: text('error'),
    cancelRequested: integer('cancel_requested', { mode: 'boolean' }).notNull().default(false),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    heartbeatAt: integer('heartbeat_at'),
  },
  (t) => [
    index('jobs_collection_idx').on(t.collectionId, t.id),
    index('jobs_state_idx').on(t.state, t.id),
    uniqueIndex('jobs_one_active_train_uq')
      .on(t.collectionId)
      .where(sql`${t.kind} = 'train' and ${t.state} in ('queued', 'running')`),
  ],
);

/** Progress events of a job, kept so that a reconnecting page can catch up. */
export const jobEvents = sqliteTable(
  'job_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    jobId: integer('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('job_events_job_idx').on(t.jobId, t.id)],
);

export const embeddings = sqliteTable(
  'embeddings',
  {
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    backbone: text('backbone').notNull(),
    dim: integer('dim').notNull(),
    /** Float32 little-endian, dim values. */
    vector: blob('vector', { mode: 'buffer' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.backbone] })],
);

export const predictions = sqliteTable(
  'predictions',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    /** Probabilities in the model's output order. */
    probabilities: text('probabilities', { mode: 'json' }).$type<number[]>().notNull(),
    /** Labels the model assigns: argmax for a classifier, those above threshold for a labeler. */
    predictedLabelIds: text('predicted_label_ids', { mode: 'json' }).$type<number[]>().notNull(),
    topLabelId: integer('top_label_id'),
    topProbability: real('top_probability').notNull(),
    /** Labeler: max binary entropy over labels. Classifier: entropy of the softmax. */
    uncertainty: real('uncertainty').notNull(),
    /** Classifier: top-two probability margin. */
    margin: real('margin'),
    novelty: real('novelty'),
    isNovel: integer('is_novel', { mode: 'boolean' }).notNull().default(false),
    noLabel: integer('no_label', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.modelId, t.itemId] }),
    index('predictions_uncertainty_idx').on(t.modelId, t.uncertainty),
    index('predictions_novelty_idx').on(t.modelId, t.isNovel, t.noLabel, t.novelty),
    index('predictions_top_label_idx').on(t.modelId, t.topLabelId),
  ],
);

/** Per-label scores, so that "uncertain for label X" and "predicted X" are index lookups. */
export const predictionScores = sqliteTable(
  'prediction_scores',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    labelId: integer('label_id')
      .notNull()
      .references(() => labels.id, { onDelete: 'cascade' }),
    probability: real('probability').notNull(),
    entropy: real('entropy').notNull(),
    predicted: integer('predicted', { mode: 'boolean' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.modelId, t.itemId, t.labelId] }),
    index('prediction_scores_label_entropy_idx').on(t.modelId, t.labelId, t.entropy),
    index('prediction_scores_label_predicted_idx').on(t.modelId, t.labelId, t.predicted),
  ],
);
