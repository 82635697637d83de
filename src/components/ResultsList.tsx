import type { FoundEntity } from '../../workers/protocol';
import { formatScore, type Results } from '../lib/score-threshold';
import { useMinScore, useResults, useRunTypes, useTypeRuns } from '../store/selectors';

/** The model's confidence in a string, after it ("Barack Obama 93%"); nothing without a score. */
function Score({ score }: { readonly score: number | undefined }) {
  if (score === undefined) return null;
  return (
    <>
      {' '}
      <span className="rounded bg-slate-100 px-1 text-xs text-slate-700 tabular-nums dark:bg-slate-800 dark:text-slate-300">
        <span className="sr-only">confidence </span>
        {formatScore(score)}
      </span>
    </>
  );
}

function EntityItem({ entity }: { readonly entity: FoundEntity }) {
  return (
    <li>
      {entity.text}
      {entity.spans.length > 1 && (
        <span className="text-slate-600 dark:text-slate-400"> ×{entity.spans.length}</span>
      )}
      {entity.match === 'tolerant' && (
        <span className="text-slate-600 dark:text-slate-400"> (approximate match)</span>
      )}
      <Score score={entity.score} />
    </li>
  );
}

interface Props {
  /** The visible results (after the confidence threshold). */
  readonly results: Results;
  /** The same before the threshold (what it hides is counted from the difference). */
  readonly all?: Results;
}

/**
 * Entities per type with counts and scores; strings the model gave that are not in the passage are
 * listed apart; what the confidence threshold hides is counted per type.
 */
export function ResultsList({ results, all: allResults }: Props) {
  const runTypes = useRunTypes();
  const runResults = useResults();
  const all = allResults ?? runResults;
  // A person's own labels (a type the run did not ask) get a list too.
  const types = [...new Set([...runTypes, ...Object.keys(results)])];
  const runs = useTypeRuns();
  const min = useMinScore();
  if (!types.length) return null;
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
      {types.map((type) => {
        const entities = results[type] ?? [];
        const found = entities.filter((e) => e.spans.length > 0);
        const missing = entities.filter((e) => e.spans.length === 0);
        const run = runs[type];
        const hidden = (all[type]?.length ?? 0) - entities.length;
        return (
          <section
            key={type}
            aria-label={`Results for ${type}`}
            data-result-type={type}
            className="rounded-md border border-slate-200 p-3 dark:border-slate-800"
          >
            <h3 className="font-medium">
              {type}{' '}
              <span className="text-sm font-normal text-slate-600 dark:text-slate-400">({found.length})</span>
            </h3>
            {hidden > 0 && (
              <p className="text-xs text-slate-600 dark:text-slate-400" data-hidden-count={hidden}>
                {hidden} below {formatScore(min)} hidden
              </p>
            )}
            {found.length > 0 ? (
              <ul className="mt-1 list-inside list-disc text-sm">
                {found.map((entity, i) => (
                  <EntityItem key={`${i}:${entity.text}`} entity={entity} />
                ))}
              </ul>
            ) : (
              <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
                {run?.status !== 'done'
                  ? '…'
                  : hidden > 0
                    ? 'None at or above the threshold.'
                    : 'None found.'}
              </p>
            )}
            {missing.length > 0 && (
              <div className="mt-2 text-sm">
                <h4 className="text-slate-700 dark:text-slate-300">Not found in text</h4>
                <ul className="list-inside list-disc text-slate-600 dark:text-slate-400">
                  {missing.map((entity, i) => (
                    <li key={`${i}:${entity.text}`}>
                      {entity.text}
                      <Score score={entity.score} />
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {run?.malformed && (
              <p className="mt-2 text-sm text-amber-800 dark:text-amber-300">
                Malformed answer: {run.malformed}
              </p>
            )}
          </section>
        );
      })}
    </div>
  );
}
