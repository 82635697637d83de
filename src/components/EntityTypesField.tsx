import { useId } from 'react';
import { addEntityTypes, moveEntityType, removeEntityType, setEntityTypes } from '../store/actions';
import { useEntityTypes, useTypesNotice } from '../store/selectors';
import { TYPE_PRESETS } from '../lib/entity-types';
import { EntityTypeChips } from './EntityTypeChips';

/** The chips bound to the store, plus the benchmark label-set presets. */
export function EntityTypesField() {
  const types = useEntityTypes();
  const notice = useTypesNotice();
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <EntityTypeChips
        types={types}
        onAdd={addEntityTypes}
        onRemove={removeEntityType}
        onMove={moveEntityType}
        notice={notice}
      />
      <div className="flex items-center gap-2 text-sm">
        <label htmlFor={id}>Label set</label>
        <select
          id={id}
          value=""
          onChange={(event) => {
            const preset = TYPE_PRESETS.find((p) => p.id === event.target.value);
            if (preset) setEntityTypes(preset.types);
          }}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
        >
          <option value="">Replace types with a label set…</option>
          {TYPE_PRESETS.map((preset) => (
            <option key={preset.id} value={preset.id}>
              {preset.label} ({preset.types.length})
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
