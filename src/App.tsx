/** The page shell: header, model panel, passage and types, results. Regions are filled by later components. */
export function App() {
  return (
    <div className="mx-auto flex min-h-screen max-w-6xl flex-col gap-4 p-4">
      <header className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">UniNER Web</h1>
        <p className="text-sm text-slate-500">Named-entity recognition that never leaves your browser</p>
      </header>
      <main className="grid gap-4 md:grid-cols-[2fr_1fr]">
        <section aria-label="Passage and entity types" className="rounded-lg border border-slate-200 p-4 dark:border-slate-800" />
        <aside aria-label="Model" className="rounded-lg border border-slate-200 p-4 dark:border-slate-800" />
        <section aria-label="Results" className="rounded-lg border border-slate-200 p-4 md:col-span-2 dark:border-slate-800" />
      </main>
    </div>
  );
}
