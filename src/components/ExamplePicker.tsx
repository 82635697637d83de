import { useId } from 'react';
import { EXAMPLE_PASSAGES } from '../lib/example-passages';
import { setEntityTypes, setPassage } from '../store/actions';

/** Loads an example passage together with the types worth asking about it. */
export function ExamplePicker() {
  const id = useId();
  return (
    <div className="flex items-center gap-2 text-sm">
      <label htmlFor={id}>Example</label>
      <select
        id={id}
        value=""
        onChange={(event) => {
          const example = EXAMPLE_PASSAGES.find((e) => e.id === event.target.value);
          if (!example) return;
          setPassage(example.text);
          setEntityTypes(example.types);
        }}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
      >
        <option value="">Choose (replaces text and types)…</option>
        {EXAMPLE_PASSAGES.map((example) => (
          <option key={example.id} value={example.id}>
            {example.label}
          </option>
        ))}
      </select>
    </div>
  );
}
