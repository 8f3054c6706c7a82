/** The frame of the sign-in and setup pages. */
export function AuthCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main id="main" className="grid min-h-screen place-items-center px-4 py-10">
      <div className="w-full max-w-sm">
        <p className="mb-4 flex items-center justify-center gap-2 text-lg font-semibold">
          <span
            aria-hidden="true"
            className="grid size-8 place-items-center rounded bg-accent text-white"
          >
            C
          </span>
          Curio
        </p>
        <div className="card p-6">
          <h1 className="mb-4 text-xl">{title}</h1>
          {children}
        </div>
      </div>
    </main>
  );
}
