import { CachedModels } from './CachedModels';
import { LoadProgress } from './LoadProgress';
import { ModelPicker } from './ModelPicker';
import { ModelStatus } from './ModelStatus';
import { StorageInfo } from './StorageInfo';

/** The model side panel: choose and load, progress, what is loaded, the browser's model cache and storage. */
export function ModelPanel() {
  return (
    <aside
      aria-labelledby="model-heading"
      className="flex flex-col gap-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h2 id="model-heading" className="text-lg font-semibold">
        Model
      </h2>
      <ModelPicker />
      <LoadProgress />
      <ModelStatus />
      <CachedModels />
      <StorageInfo />
    </aside>
  );
}
