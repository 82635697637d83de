import type { DevicePreference, Dtype, PromptStyle } from '../../../workers/protocol';
import type { TypeLabelsSetting } from '../../lib/span-layout';
import { DEFAULT_PRESET_ID } from '../../lib/model-presets';
import type { AppStateCreator } from '../app-state';

import type { ThemePreference } from '../../lib/theme';

/** Whether the model comes from the preset list or from the custom Hub id/URL field. */
export type ModelChoice = 'preset' | 'custom';

/** User preferences. Persisted. */
export interface SettingsSlice {
  /** Constrained decoding (answers are valid JSON lists of passage substrings). */
  readonly constrain: boolean;
  readonly theme: ThemePreference;
  /** Answer budget per entity type (UniNER uses 256). */
  readonly maxNewTokens: number;
  /** Dataset name for supervised UniNER checkpoints; empty means none (the default). */
  readonly datasetName: string;
  readonly modelChoice: ModelChoice;
  /** Id of the chosen entry of `MODEL_PRESETS`. */
  readonly presetId: string;
  /** Hub id (`owner/name`) or folder URL typed by the user. */
  readonly customSource: string;
  readonly devicePreference: DevicePreference;
  /** Weight format; `auto` lets the engine choose for the device. */
  readonly dtype: Dtype | 'auto';
  /**
   * How questions are put to the model; `auto` is the UniNER conversation for UniNER and the model's
   * own chat template for the rest (small generic models sometimes answer better in UniNER's format).
   */
  readonly promptStyle: PromptStyle | 'auto';
  /**
   * Confidence threshold, 0..1: entities the model scored below it are hidden (from the passage, the
   * lists and the exports) without a new run. 0 shows everything; entities without a score always show.
   */
  readonly minScore: number;
  /**
   * Whether each highlight carries its type name as a small label (displaCy-style): `auto` draws them
   * while a passage shows at most `LABELS_AUTO_LIMIT` marks (long passages stay fast).
   */
  readonly typeLabels: TypeLabelsSetting;
}

export const createSettingsSlice: AppStateCreator<SettingsSlice> = () => ({
  constrain: true,
  theme: 'system',
  maxNewTokens: 256,
  datasetName: '',
  modelChoice: 'preset',
  presetId: DEFAULT_PRESET_ID,
  customSource: '',
  devicePreference: 'auto',
  dtype: 'auto',
  promptStyle: 'auto',
  minScore: 0,
  typeLabels: 'auto',
});

/** The keys of the settings slice (what persist keeps besides the passage and the types). */
export const SETTINGS_KEYS = [
  'constrain',
  'theme',
  'maxNewTokens',
  'datasetName',
  'modelChoice',
  'presetId',
  'customSource',
  'devicePreference',
  'dtype',
  'promptStyle',
  'minScore',
  'typeLabels',
] as const satisfies readonly (keyof SettingsSlice)[];
