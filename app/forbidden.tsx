import { StatusPage } from '@/components/status-page';

export default function Forbidden() {
  return (
    <StatusPage code={403} title="Not available to your role">
      Your account is signed in, but its role does not include this page. Ask an admin if you need
      access.
    </StatusPage>
  );
}
