/** Plain action functions for what the user edits. Components import these; none live in the store. */
import type { DevicePreference, Dtype, PromptStyle } from '../../workers/protocol';
import { addTypes, addTypesNotice, moveItem, removeAt } from '../lib/entity-types';
import { MAX_PASSAGE_CHARS } from '../lib/passage-limits';
import type { TypeLabelsSetting } from '../lib/span-layout';
import { useAppStore } from './app-store';
import type { ThemePreference } from '../lib/theme';
import type { ModelChoice } from './slices/settings';

const set = useAppStore.setState;
const get = useAppStore.getState;

/** Replaces the passage (cut at the hard limit). */
export function setPassage(text: string): void {
  set({ passage: text.length > MAX_PASSAGE_CHARS ? text.slice(0, MAX_PASSAGE_CHARS) : text });
}

/** Adds types; returns false and sets a notice when some were duplicates or over a limit. */
export function addEntityTypes(raw: readonly string[]): boolean {
  const result = addTypes(get().entityTypes, raw);
  const notice = addTypesNotice(result);
  set({ entityTypes: result.list, typesNotice: notice });
  return notice === null;
}

export function removeEntityType(index: number): void {
  set({ entityTypes: removeAt(get().entityTypes, index), typesNotice: null });
}

export function moveEntityType(from: number, to: number): void {
  set({ entityTypes: moveItem(get().entityTypes, from, to) });
}

/** Replaces the whole list (presets, examples, links). Duplicates are dropped; what is over a limit is said. */
export function setEntityTypes(types: readonly string[]): void {
  const result = addTypes([], types);
  set({ entityTypes: result.list, typesNotice: addTypesNotice({ ...result, duplicates: [] }) });
}

export function setConstrain(on: boolean): void {
  set({ constrain: on });
}

export function setTheme(theme: ThemePreference): void {
  set({ theme });
}

export function setMaxNewTokens(value: number): void {
  if (Number.isFinite(value)) set({ maxNewTokens: Math.max(1, Math.min(2048, Math.round(value))) });
}

export function setDatasetName(name: string): void {
  set({ datasetName: name });
}

/** The question format; the next Extract reloads the model with it. */
export function setPromptStyle(style: PromptStyle | 'auto'): void {
  set({ promptStyle: style });
}

export function setModelChoice(choice: ModelChoice): void {
  set({ modelChoice: choice });
}

export function setPresetId(id: string): void {
  set({ presetId: id, modelChoice: 'preset' });
}

export function setCustomSource(source: string): void {
  set({ customSource: source });
}

export function setDevicePreference(device: DevicePreference): void {
  set({ devicePreference: device });
}

export function setDtype(dtype: Dtype | 'auto'): void {
  set({ dtype });
}

/** The confidence threshold, clamped to 0..1 and kept to two decimals (what a share link carries). */
export function setMinScore(value: number): void {
  if (Number.isFinite(value)) set({ minScore: Math.round(Math.min(1, Math.max(0, value)) * 100) / 100 });
}

export function setTypeLabels(setting: TypeLabelsSetting): void {
  set({ typeLabels: setting });
}

export function dismissErrors(): void {
  set({ loadError: null, runError: null });
}
