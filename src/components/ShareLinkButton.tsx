import { useEffect, useRef, useState } from 'react';
import { currentShareUrl, setShareSync, writeFragmentNow } from '../store/share-actions';

type CopyState =
  { kind: 'idle' } | { kind: 'copied' } | { kind: 'manual'; url: string } | { kind: 'too-long' };

/**
 * "Copy link": the passage, types, model and device as a link (the shorter of the plain and the
 * compressed fragment). Copying also turns on fragment sync, so the address bar shows the same link.
 * Where the clipboard is not available, the link is shown selected for copying by hand.
 */
export function ShareLinkButton() {
  const [state, setState] = useState<CopyState>({ kind: 'idle' });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const copy = async () => {
    const url = currentShareUrl(window.location.href);
    if (!url) {
      setState({ kind: 'too-long' });
      return;
    }
    setShareSync(true);
    writeFragmentNow();
    try {
      await navigator.clipboard.writeText(url);
      setState({ kind: 'copied' });
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => setState({ kind: 'idle' }), 2500);
    } catch {
      setState({ kind: 'manual', url });
    }
  };

  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <button
        type="button"
        onClick={() => void copy()}
        className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-slate-700 dark:hover:bg-slate-800"
      >
        Copy link
      </button>
      <span role="status" className="text-slate-600 dark:text-slate-400">
        {state.kind === 'copied' && 'Link copied'}
        {state.kind === 'too-long' && 'The passage is too long for a link.'}
      </span>
      {state.kind === 'manual' && (
        <label className="flex items-center gap-1">
          <span>Copy this link:</span>
          <input
            readOnly
            value={state.url}
            aria-label="Share link"
            className="w-56 rounded border border-slate-300 bg-white px-1 dark:border-slate-700 dark:bg-slate-900"
            ref={(input) => input?.select()}
          />
        </label>
      )}
    </div>
  );
}
