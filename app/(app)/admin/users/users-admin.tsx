'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { apiRequest, errorMessage } from '@/components/api-request';

type Role = 'admin' | 'curator' | 'reviewer';

interface UserRow {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
}

interface Props {
  users: UserRow[];
  roles: Role[];
  myId: number;
  minPasswordLength: number;
}

type Status = { ok: boolean; text: string } | null;
type Run = (action: () => Promise<unknown>, done: string) => Promise<boolean>;

export function UsersAdmin({ users, roles, myId, minPasswordLength }: Props) {
  const router = useRouter();
  const [status, setStatus] = useState<Status>(null);
  const [busy, setBusy] = useState(false);

  const run: Run = async (action, done) => {
    setBusy(true);
    setStatus(null);
    try {
      await action();
      setStatus({ ok: true, text: done });
      router.refresh();
      return true;
    } catch (error) {
      setStatus({ ok: false, text: errorMessage(error) });
      return false;
    } finally {
      setBusy(false);
    }
  };

  async function create(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const created = await run(
      () =>
        apiRequest('/api/users', {
          method: 'POST',
          body: {
            email: form.get('email'),
            name: form.get('name'),
            role: form.get('role'),
            password: form.get('password'),
          },
        }),
      `Created an account for ${String(form.get('email'))}.`,
    );
    if (created) formElement.reset();
  }

  return (
    <>
      <div aria-live="polite">
        {status && (
          <p
            role={status.ok ? 'status' : 'alert'}
            className={status.ok ? 'alert-ok' : 'alert-error'}
          >
            {status.text}
          </p>
        )}
      </div>

      <div className="card overflow-x-auto">
        <table className="data-table">
          <caption className="sr-only">Accounts</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Reset password</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <UserRowView
                key={`${user.id}-${user.role}-${user.disabled}`}
                user={user}
                roles={roles}
                isMe={user.id === myId}
                busy={busy}
                run={run}
                minPasswordLength={minPasswordLength}
              />
            ))}
          </tbody>
        </table>
      </div>

      <section aria-labelledby="new-user-heading" className="card p-5">
        <h2 id="new-user-heading" className="mb-3">
          New account
        </h2>
        <form
          onSubmit={create}
          className="grid items-end gap-3 md:grid-cols-[1fr_1fr_9rem_1fr_auto]"
        >
          <div>
            <label htmlFor="new-user-name" className="field-label">
              Name
            </label>
            <input id="new-user-name" name="name" required maxLength={120} className="input" />
          </div>
          <div>
            <label htmlFor="new-user-email" className="field-label">
              Email
            </label>
            <input id="new-user-email" name="email" type="email" required className="input" />
          </div>
          <div>
            <label htmlFor="new-user-role" className="field-label">
              Role
            </label>
            <select id="new-user-role" name="role" defaultValue="curator" className="input">
              {roles.map((role) => (
                <option key={role} value={role}>
                  {role}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="new-user-password" className="field-label">
              Initial password
            </label>
            <input
              id="new-user-password"
              name="password"
              type="password"
              autoComplete="new-password"
              minLength={minPasswordLength}
              required
              className="input"
            />
          </div>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Create account
          </button>
        </form>
        <p className="hint">
          Passwords need at least {minPasswordLength} characters. Share the initial password
          privately; the person can ask an admin to reset it later.
        </p>
      </section>
    </>
  );
}

function UserRowView(props: {
  user: UserRow;
  roles: Role[];
  isMe: boolean;
  busy: boolean;
  run: Run;
  minPasswordLength: number;
}) {
  const { user, busy, run } = props;
  const prefix = `user-${user.id}`;

  function patch(body: Record<string, unknown>, done: string) {
    return run(() => apiRequest(`/api/users/${user.id}`, { method: 'PATCH', body }), done);
  }

  async function resetPassword(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const password = new FormData(formElement).get('password');
    const reset = await patch(
      { password },
      `The password of ${user.name} was reset; their sessions ended.`,
    );
    if (reset) formElement.reset();
  }

  return (
    <tr className={user.disabled ? 'bg-stone-50 text-muted' : undefined}>
      <td className="font-medium">
        {user.name}
        {props.isMe && <span className="ml-1 text-xs font-normal text-muted">(you)</span>}
      </td>
      <td>{user.email}</td>
      <td>
        <label htmlFor={`${prefix}-role`} className="sr-only">
          Role of {user.name}
        </label>
        <select
          id={`${prefix}-role`}
          defaultValue={user.role}
          disabled={busy}
          onChange={(event) =>
            patch({ role: event.target.value }, `${user.name} is now ${event.target.value}.`)
          }
          className="input w-32 py-1"
        >
          {props.roles.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </select>
      </td>
      <td>
        <div className="flex items-center gap-2">
          {user.disabled ? (
            <span className="pill border-stone-400 bg-stone-100 text-stone-700">Disabled</span>
          ) : (
            <span className="pill border-ok/40 bg-ok-soft text-ok">Active</span>
          )}
          {/* The server refuses self-disabling too; hiding the button avoids the round trip. */}
          {!props.isMe && (
            <button
              type="button"
              className={`btn btn-small ${user.disabled ? '' : 'btn-danger'}`}
              disabled={busy}
              onClick={() =>
                patch(
                  { disabled: !user.disabled },
                  user.disabled
                    ? `${user.name} can sign in again.`
                    : `${user.name} was disabled and signed out.`,
                )
              }
            >
              {user.disabled ? 'Enable' : 'Disable'}
              <span className="sr-only"> {user.name}</span>
            </button>
          )}
        </div>
      </td>
      <td>
        <form onSubmit={resetPassword} className="flex gap-1">
          <label htmlFor={`${prefix}-password`} className="sr-only">
            New password for {user.name}
          </label>
          <input
            id={`${prefix}-password`}
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={props.minPasswordLength}
            required
            placeholder="New password"
            className="input w-40 py-1"
          />
          <button type="submit" className="btn btn-small" disabled={busy}>
            Reset
          </button>
        </form>
      </td>
    </tr>
  );
}
