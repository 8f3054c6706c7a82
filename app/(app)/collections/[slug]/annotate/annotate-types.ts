import type { AnnotateProgress } from '@/lib/annotation/annotate-progress';
import type { AnnotateQueue } from '@/lib/annotation/annotate-queue-repo';
import type { Suggestion } from '@/lib/annotation/suggestion-repo';

/** Shapes the annotate view exchanges with its route handlers (JSON, so no Dates or Maps). */

export type { AnnotateProgress, AnnotateQueue, Suggestion };

export interface AnnotateLabel {
  id: number;
  name: string;
  colour: string;
  hotkey: string | null;
}

export interface AnnotateItem {
  id: number;
  title: string | null;
  sourceUri: string;
  identifier: string | null;
  width: number;
  height: number;
  mimeType: string;
  metadata: Record<string, unknown>;
}

export interface QueueEntry {
  item: AnnotateItem;
  current: { kind: 'labels' | 'none'; labelIds: number[] } | null;
  suggestion: Suggestion | null;
  imageUrl: string;
}

export interface NextResponse {
  items: QueueEntry[];
  lostIds: number[];
  remaining: number;
}

export interface AnnotationResponse {
  annotation: {
    id: number;
    itemId: number;
    kind: 'labels' | 'none' | 'cleared';
    labelIds: number[];
  };
  progress: AnnotateProgress;
}

export interface Selection {
  labelIds: number[];
  none: boolean;
}

export const EMPTY_SELECTION: Selection = { labelIds: [], none: false };

export function itemName(item: AnnotateItem): string {
  return item.title ?? item.sourceUri.split('/').pop() ?? `Item ${item.id}`;
}
