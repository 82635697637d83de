import { AdvancedOptions } from './AdvancedOptions';
import { EntityTypesField } from './EntityTypesField';
import { PassageEditor } from './PassageEditor';
import { RunControls } from './RunControls';
import { TypeStatusList } from './TypeStatusList';

/** Passage, entity types, Extract/Stop and per-type progress. */
export function InputSection() {
  return (
    <section
      aria-label="Passage and entity types"
      className="flex min-w-0 flex-col gap-4 self-start rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <PassageEditor />
      <EntityTypesField />
      <RunControls />
      <AdvancedOptions />
      <TypeStatusList />
    </section>
  );
}
