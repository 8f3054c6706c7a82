import { describe, expect, it } from 'vitest';
import {
  clientAddress,
  MAX_FAILURES_PER_ADDRESS,
  MAX_FAILURES_PER_EMAIL,
  SIGN_IN_WINDOW_MS,
  SignInRateLimited,
  SignInThrottle,
} from '@/lib/auth/sign-in-throttle';

const T0 = 1_700_000_000_000;

function failTimes(throttle: SignInThrottle, count: number, email: string, address: string) {
  for (let i = 0; i < count; i += 1) throttle.begin({ email, address }, T0 + i);
}

function refusal(run: () => void): SignInRateLimited {
  try {
    run();
  } catch (error) {
    if (error instanceof SignInRateLimited) return error;
    throw error;
  }
  throw new Error('The attempt was allowed.');
}

describe('SignInThrottle', () => {
  it('refuses an email after its failures are used up, with the wait until the window ends', () => {
    const throttle = new SignInThrottle();
    failTimes(throttle, MAX_FAILURES_PER_EMAIL, 'ada@example.org', '10.0.0.1');

    const error = refusal(() =>
      throttle.begin({ email: 'ADA@example.org ', address: '10.0.0.2' }, T0 + 60_000),
    );

    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(Math.ceil((SIGN_IN_WINDOW_MS - 60_000) / 1000));
    expect(error.message).toBe('Too many failed sign-ins; try again in 14 minutes.');
  });

  it('allows the email again once the window has passed', () => {
    const throttle = new SignInThrottle();
    failTimes(throttle, MAX_FAILURES_PER_EMAIL, 'ada@example.org', '10.0.0.1');

    expect(() =>
      throttle.begin({ email: 'ada@example.org', address: '10.0.0.1' }, T0 + SIGN_IN_WINDOW_MS),
    ).not.toThrow();
  });

  it('refuses an address that guesses at many different emails', () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i += 1) {
      throttle.begin({ email: `user${i}@example.org`, address: '10.0.0.9' }, T0);
    }

    expect(() => throttle.begin({ email: 'new@example.org', address: '10.0.0.9' }, T0)).toThrow(
      SignInRateLimited,
    );
    expect(() =>
      throttle.begin({ email: 'new@example.org', address: '10.0.0.10' }, T0),
    ).not.toThrow();
  });

  it("clears the email's failures on success but keeps the address's earlier ones", () => {
    const throttle = new SignInThrottle(SIGN_IN_WINDOW_MS, 3, 4);
    failTimes(throttle, 2, 'ada@example.org', '10.0.0.1');
    throttle.begin({ email: 'ada@example.org', address: '10.0.0.1' }, T0 + 10);
    throttle.succeeded({ email: 'ada@example.org', address: '10.0.0.1' });

    // Two more for Ada would have hit 3 without the reset; the address now holds 2 failures.
    failTimes(throttle, 2, 'ada@example.org', '10.0.0.1');
    expect(() => throttle.begin({ email: 'bob@example.org', address: '10.0.0.1' }, T0)).toThrow(
      SignInRateLimited,
    );
  });
});

describe('clientAddress', () => {
  it('takes the address the nearest proxy appended, not what the client claimed', () => {
    const request = new Request('http://localhost/api/auth/sign-in', {
      headers: { 'x-forwarded-for': '1.2.3.4, 203.0.113.7' },
    });
    expect(clientAddress(request)).toBe('203.0.113.7');
    expect(clientAddress(new Request('http://localhost/'))).toBe('unknown');
  });
});
