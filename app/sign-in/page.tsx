import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthCard } from '@/components/auth-card';
import { getDb } from '@/db/client';
import { isSetupOpen } from '@/lib/auth/account-service';
import { getPageUser } from '@/lib/auth/page-auth';
import { safeReturnPath } from '@/lib/auth/return-path';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage(props: { searchParams: Promise<{ next?: string }> }) {
  const next = safeReturnPath((await props.searchParams).next);
  if (await getPageUser()) redirect(next);
  if (isSetupOpen(getDb())) redirect('/setup');

  return (
    <AuthCard title="Sign in">
      <SignInForm next={next} />
    </AuthCard>
  );
}
