import type { Db } from '@/db/client';
import { FINISHED_STATES, getJob, listJobEvents, type JobEvent } from './job-repo';

/**
 * A job's events as a server-sent event stream. Events come from `job_events`, so a client that
 * reconnects with `Last-Event-ID` gets what it missed and nothing twice. The stream polls the
 * table (the worker writes from another process, so there is nothing in memory to wait on) and
 * ends once the job is final and every event was sent.
 */

export const EVENT_POLL_MS = 500;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;
/** Browsers wait this long before reconnecting on their own. */
const RETRY_MS = 2000;

export function formatServerSentEvent(event: JobEvent): string {
  const data = JSON.stringify({ ...event.data, at: event.createdAt });
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${data}\n\n`;
}

/** The event id a client says it has seen: the Last-Event-ID header, or ?lastEventId=. */
export function lastEventIdOf(request: Request): number {
  const raw =
    request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('lastEventId');
  const id = Number(raw ?? 0);
  return Number.isInteger(id) && id > 0 ? id : 0;
}

export function jobEventStream(
  db: Db,
  jobId: number,
  afterEventId: number,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let lastId = afterEventId;
  let timer: NodeJS.Timeout | undefined;
  let lastWriteMs = Date.now();

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        clearTimeout(timer);
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      };

      const pump = () => {
        if (signal.aborted) return close();
        // Read the state before the events, so that the final state's event is in the batch.
        const finished = FINISHED_STATES.includes(getJob(db, jobId)?.state ?? 'failed');
        const events = listJobEvents(db, jobId, lastId);
        for (const event of events) {
          controller.enqueue(encoder.encode(formatServerSentEvent(event)));
          lastId = event.id;
        }
        if (events.length > 0) lastWriteMs = Date.now();
        if (finished) return close();

        if (Date.now() - lastWriteMs > KEEP_ALIVE_MS) {
          controller.enqueue(encoder.encode(': keep-alive\n\n'));
          lastWriteMs = Date.now();
        }
        timer = setTimeout(pump, EVENT_POLL_MS);
      };

      controller.enqueue(encoder.encode(`retry: ${RETRY_MS}\n\n`));
      signal.addEventListener('abort', close, { once: true });
      pump();
    },
    cancel() {
      clearTimeout(timer);
    },
  });
}
