import { useDeferredValue, useId, useMemo } from 'react';
import {
  DEFAULT_CONTEXT_TOKENS,
  estimateChunks,
  estimateTokens,
  MAX_PASSAGE_CHARS,
  WARN_FRACTION,
} from '../lib/passage-limits';
import { setPassage } from '../store/actions';
import { useLoadedModel, useMaxNewTokens, usePassage } from '../store/selectors';
import { ExamplePicker } from './ExamplePicker';

/** The passage textarea with character and token counts, the limit and example passages. */
export function PassageEditor() {
  const passage = usePassage();
  const model = useLoadedModel();
  const id = useId();
  const chars = passage.length;
  const tokens = estimateTokens(passage);
  const maxNewTokens = useMaxNewTokens();
  const context = model?.contextLength ?? DEFAULT_CONTEXT_TOKENS;
  // The chunk count runs the engine's chunker (~20 ms on 50,000 characters): off the typing path.
  const deferredPassage = useDeferredValue(passage);
  const { chunks, chunkTokens } = useMemo(
    () => estimateChunks(deferredPassage, context, maxNewTokens),
    [deferredPassage, context, maxNewTokens],
  );
  const atLimit = chars >= MAX_PASSAGE_CHARS;
  const warn = chars >= MAX_PASSAGE_CHARS * WARN_FRACTION;
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <label htmlFor={id} className="font-medium">
          Passage
        </label>
        <ExamplePicker />
      </div>
      <textarea
        id={id}
        value={passage}
        maxLength={MAX_PASSAGE_CHARS}
        onChange={(event) => setPassage(event.target.value)}
        rows={8}
        spellCheck={false}
        aria-describedby={`${id}-count`}
        placeholder="Paste a passage…"
        className="w-full resize-y rounded-md border border-slate-300 bg-white p-2 font-mono text-sm focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-slate-700 dark:bg-slate-900"
      />
      <p
        id={`${id}-count`}
        className={`text-sm ${warn ? 'text-amber-800 dark:text-amber-300' : 'text-slate-600 dark:text-slate-400'}`}
        aria-live="polite"
      >
        {chars.toLocaleString('en')} / {MAX_PASSAGE_CHARS.toLocaleString('en')} characters · ≈
        {tokens.toLocaleString('en')} tokens
        {chunks > 1 &&
          ` · longer than one chunk (${chunkTokens.toLocaleString('en')} tokens on a ${context.toLocaleString('en')}-token model): it will be split into ≈${chunks} chunks`}
        {atLimit && ' · limit reached: text beyond this point is not accepted'}
      </p>
    </div>
  );
}
