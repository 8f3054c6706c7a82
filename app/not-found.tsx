import { StatusPage } from '@/components/status-page';

export default function NotFound() {
  return (
    <StatusPage code={404} title="Nothing here">
      This page or record does not exist, or it was removed.
    </StatusPage>
  );
}
