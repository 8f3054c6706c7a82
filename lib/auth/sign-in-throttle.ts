import { AppError } from '@/lib/errors';

/**
 * Slows down password guessing: after too many failed sign-ins for one email, or from one client
 * address, within a window, further attempts are refused with 429 before any password is checked.
 *
 * The counts live in this process's memory. Curio runs as one `next start` process, so that is
 * enough; they are lost on restart, which at worst gives an attacker one fresh window.
 * TODO: keep the counts in SQLite if Curio ever runs as several processes behind one address.
 */

export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 5;
// Higher than per email: several colleagues behind one office NAT may mistype at once.
export const MAX_FAILURES_PER_ADDRESS = 20;
// Bounds the memory an attacker can make us use by rotating emails or forged addresses.
const MAX_TRACKED_KEYS = 10_000;

export class SignInRateLimited extends AppError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super(
      'rate_limited',
      `Too many failed sign-ins; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

interface Failures {
  count: number;
  firstAt: number;
}

export interface SignInAttempt {
  email: string;
  address: string;
}

export class SignInThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(
    private readonly windowMs = SIGN_IN_WINDOW_MS,
    private readonly maxPerEmail = MAX_FAILURES_PER_EMAIL,
    private readonly maxPerAddress = MAX_FAILURES_PER_ADDRESS,
  ) {}

  /**
   * Called before the password is checked: throws SignInRateLimited when the email or the address
   * has used up its failures, else counts this attempt as a failure until succeeded() says
   * otherwise. Counting up front (synchronously) means a burst of parallel guesses cannot all slip
   * past the check while their passwords are being hashed.
   */
  begin(attempt: SignInAttempt, now = Date.now()): void {
    const emailWait = this.waitFor(emailKey(attempt.email), this.maxPerEmail, now);
    const addressWait = this.waitFor(addressKey(attempt.address), this.maxPerAddress, now);
    const waitMs = Math.max(emailWait, addressWait);
    if (waitMs > 0) throw new SignInRateLimited(Math.ceil(waitMs / 1000));

    this.bump(emailKey(attempt.email), now);
    this.bump(addressKey(attempt.address), now);
  }

  /**
   * A correct password clears the email's count and takes back this attempt from the address's
   * count, but leaves the address's earlier failures: otherwise an attacker with one real account
   * could sign in between guesses at other accounts to reset it.
   */
  succeeded(attempt: SignInAttempt): void {
    this.failures.delete(emailKey(attempt.email));
    const entry = this.failures.get(addressKey(attempt.address));
    if (entry) entry.count = Math.max(0, entry.count - 1);
  }

  clear(): void {
    this.failures.clear();
  }

  private waitFor(key: string, max: number, now: number): number {
    const entry = this.failures.get(key);
    if (!entry) return 0;

    const endsAt = entry.firstAt + this.windowMs;
    if (endsAt <= now) {
      this.failures.delete(key);
      return 0;
    }
    return entry.count >= max ? endsAt - now : 0;
  }

  private bump(key: string, now: number): void {
    const entry = this.failures.get(key);
    if (entry && entry.firstAt + this.windowMs > now) {
      entry.count += 1;
      return;
    }

    this.failures.delete(key);
    if (this.failures.size >= MAX_TRACKED_KEYS) this.evictOldest();
    this.failures.set(key, { count: 1, firstAt: now });
  }

  private evictOldest(): void {
    // A Map iterates in insertion order and bump() re-inserts expired keys, so the first is oldest.
    const oldest = this.failures.keys().next();
    if (!oldest.done) this.failures.delete(oldest.value);
  }
}

function emailKey(email: string): string {
  return `email:${email.trim().toLowerCase()}`;
}

function addressKey(address: string): string {
  return `address:${address}`;
}

/** The process-wide throttle used by the sign-in route. */
export const signInThrottle = new SignInThrottle();

/**
 * The client's address as the nearest proxy saw it: the last X-Forwarded-For entry (a proxy
 * appends the address it received from; earlier entries are whatever the client claimed), else
 * X-Real-IP. Without a proxy, `next start` fills X-Forwarded-For from the socket only when the
 * client sent none, so a client can pick its own address: the per-email limit is the guarantee,
 * the per-address limit a best effort.
 */
export function clientAddress(request: Request): string {
  const forwarded = request.headers.get('x-forwarded-for');
  const last = forwarded?.split(',').at(-1)?.trim();
  if (last) return last;
  return request.headers.get('x-real-ip')?.trim() || 'unknown';
}

/** The 429 response with Retry-After, for a route that caught SignInRateLimited. */
export function rateLimitedResponse(error: SignInRateLimited): Response {
  return Response.json(error.toEnvelope(), {
    status: error.status,
    headers: { 'Retry-After': String(error.retryAfterSeconds) },
  });
}
