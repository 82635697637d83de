import { CorpusPanel } from './components/corpus/CorpusPanel';
import { ErrorBanner } from './components/ErrorBanner';
import { InputSection } from './components/InputSection';
import { LinkNotice } from './components/LinkNotice';
import { ModelPanel } from './components/ModelPanel';
import { ReviewWorkspace } from './components/corpus/ReviewWorkspace';
import { ShareLinkButton } from './components/ShareLinkButton';
import { ThemeToggle } from './components/ThemeToggle';
import { UpdateToast } from './components/UpdateToast';

/**
 * The page: header, errors, input beside the model and the corpus controls (one column on phones),
 * then the review workspace: the document list beside the results.
 */
export function App() {
  return (
    <div className="mx-auto flex min-h-screen max-w-6xl flex-col gap-4 p-3 sm:p-4">
      <header className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h1 className="text-2xl font-semibold">UniNER Web</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Named-entity recognition that never leaves your browser
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <ShareLinkButton />
          <ThemeToggle />
        </div>
      </header>
      <LinkNotice />
      <ErrorBanner />
      <main className="grid grid-cols-1 gap-4 md:grid-cols-[2fr_1fr]">
        <InputSection />
        {/* Beside the editor on wide screens, below it on narrow ones. */}
        <div className="flex min-w-0 flex-col gap-4">
          <ModelPanel />
          <CorpusPanel />
        </div>
        <ReviewWorkspace />
      </main>
      <UpdateToast />
    </div>
  );
}
