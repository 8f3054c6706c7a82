import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { AuthCard } from '@/components/auth-card';
import { getDb } from '@/db/client';
import { isSetupOpen } from '@/lib/auth/account-service';
import { MIN_PASSWORD_LENGTH } from '@/lib/auth/password';
import { SetupForm } from './setup-form';

export const metadata: Metadata = { title: 'Set up' };

/** Only while Curio has no accounts; afterwards everyone is sent to sign in. */
export default async function SetupPage() {
  // Whether setup is open is a per-request fact, never something to prerender at build time.
  await connection();
  if (!isSetupOpen(getDb())) redirect('/sign-in');

  return (
    <AuthCard title="Create the first admin">
      <p className="mb-4 text-sm text-muted">
        Curio has no accounts yet. The account you create here can invite everyone else.
      </p>
      <SetupForm minPasswordLength={MIN_PASSWORD_LENGTH} />
    </AuthCard>
  );
}
