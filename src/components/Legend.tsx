import type { CSSProperties } from 'react';
import type { Results } from '../lib/score-threshold';
import { colorVars, type TypeColor } from '../lib/type-colors';
import { useRunTypes } from '../store/selectors';

interface Props {
  readonly colors: ReadonlyMap<string, TypeColor>;
  /** The visible results (after the confidence threshold): the counts are of what is shown. */
  readonly results: Results;
  readonly onEmphasis: (type: string | null) => void;
}

/** Colour key of the run's types; hovering or focusing an entry emphasises that type in the passage. */
export function Legend({ colors, results, onEmphasis }: Props) {
  const runTypes = useRunTypes();
  // A person's own labels (a type the run did not ask) are keyed too.
  const types = [...new Set([...runTypes, ...Object.keys(results)])];
  if (!types.length) return null;
  return (
    <ul aria-label="Legend" className="flex flex-wrap gap-2" onMouseLeave={() => onEmphasis(null)}>
      {types.map((type) => {
        const color = colors.get(type);
        const count = (results[type] ?? []).filter((entity) => entity.spans.length > 0).length;
        return (
          <li key={type}>
            <button
              type="button"
              className="flex items-center gap-1.5 rounded-full border border-slate-300 px-2.5 py-0.5 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-slate-700 dark:hover:bg-slate-800"
              aria-label={`Emphasise ${type} (${count} found)`}
              onMouseEnter={() => onEmphasis(type)}
              onFocus={() => onEmphasis(type)}
              onBlur={() => onEmphasis(null)}
            >
              <span
                aria-hidden="true"
                className="swatch inline-block size-3 rounded-sm"
                style={(color ? colorVars(color) : {}) as CSSProperties}
              />
              {type}
              <span className="text-slate-600 dark:text-slate-400">{count}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
