import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { ROLES } from '@/db/schema';
import { requirePageUser } from '@/lib/auth/page-auth';
import { MIN_PASSWORD_LENGTH } from '@/lib/auth/password';
import { listUsers } from '@/lib/auth/user-repo';
import { UsersAdmin } from './users-admin';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const me = await requirePageUser('user:manage', '/admin/users');
  const users = listUsers(getDb()).map((user) => ({
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt,
  }));

  return (
    <div className="space-y-5">
      <div>
        <h1>Users</h1>
        <p className="text-sm text-muted">
          Admins manage collections and accounts; curators annotate and import; reviewers work the
          review queues. There is always at least one active admin.
        </p>
      </div>
      <UsersAdmin
        users={users}
        roles={[...ROLES]}
        myId={me.id}
        minPasswordLength={MIN_PASSWORD_LENGTH}
      />
    </div>
  );
}
