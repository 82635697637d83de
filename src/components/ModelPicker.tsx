import { useId } from 'react';
import { formatBytes } from '../../workers/bytes';
import type { DevicePreference, Dtype } from '../../workers/protocol';
import {
  BUNDLED_PRESET_ID,
  findPreset,
  isConfigured,
  MODEL_PRESETS,
  presetDevices,
  validateCustomSource,
  type ModelPreset,
} from '../lib/model-presets';
import {
  setCustomSource,
  setDevicePreference,
  setDtype,
  setModelChoice,
  setPresetId,
} from '../store/actions';
import { loadSelectedModel } from '../store/engine-actions';
import {
  useCustomSource,
  useDevicePreference,
  useDtype,
  useLoadStatus,
  useModelChoice,
  usePresetId,
} from '../store/selectors';

const field =
  'w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900';
const DTYPES: readonly (Dtype | 'auto')[] = ['auto', 'q4f16', 'q4', 'q8', 'fp16', 'fp32'];
const DEVICES: readonly { value: DevicePreference; label: string }[] = [
  { value: 'auto', label: 'Auto (WebGPU if it works, else WASM)' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'wasm', label: 'WASM (CPU)' },
];

/** Preset or custom model, device preference, weight format, Load. */
export function ModelPicker() {
  const choice = useModelChoice();
  const presetId = usePresetId();
  const custom = useCustomSource();
  const device = useDevicePreference();
  const dtype = useDtype();
  const loading = useLoadStatus() === 'loading';
  const id = useId();
  const preset = findPreset(presetId);
  const customProblem = choice === 'custom' && custom ? validateCustomSource(custom) : null;

  return (
    <form
      className="flex flex-col gap-3 text-sm"
      onSubmit={(event) => {
        event.preventDefault();
        void loadSelectedModel();
      }}
    >
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 font-medium">Which model</legend>
        <label className="flex items-center gap-2">
          <input
            type="radio"
            name={`${id}-choice`}
            checked={choice === 'preset'}
            onChange={() => setModelChoice('preset')}
          />
          Preset
        </label>
        <select
          aria-label="Model preset"
          className={field}
          value={preset?.id ?? presetId}
          onChange={(event) => setPresetId(event.target.value)}
        >
          {MODEL_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {/* Short enough for the panel at 1280 px (layout.test.ts): kind, devices, size and
                  whether it downloads from elsewhere are in the note below. */}
              {optionText(p)}
            </option>
          ))}
        </select>
        {choice === 'preset' && preset && !isConfigured(preset) && (
          <p className="text-amber-800 dark:text-amber-300">
            {preset.label} is not configured in this build: there is no public ONNX export yet. Set
            VITE_UNINER_MODEL_URL when building.
          </p>
        )}
        {choice === 'preset' && preset?.source && (
          <p className="break-words text-slate-600 dark:text-slate-400">
            {preset.note} Source: {preset.source} · ≈{formatBytes(preset.sizes[0]?.bytes ?? 0)} · runs on{' '}
            {presetDevices(preset)}
          </p>
        )}
        <label className="flex items-center gap-2">
          <input
            type="radio"
            name={`${id}-choice`}
            checked={choice === 'custom'}
            onChange={() => setModelChoice('custom')}
          />
          Custom Hub id or URL
        </label>
        <input
          aria-label="Custom model (Hub id or URL)"
          className={field}
          value={custom}
          placeholder="owner/name or https://…/model-folder"
          onFocus={() => setModelChoice('custom')}
          onChange={(event) => setCustomSource(event.target.value)}
          aria-invalid={customProblem ? true : undefined}
        />
        {customProblem && <p className="text-red-700 dark:text-red-300">{customProblem}</p>}
      </fieldset>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-device`} className="font-medium">
          Device
        </label>
        <select
          id={`${id}-device`}
          className={field}
          value={device}
          onChange={(event) => setDevicePreference(event.target.value as DevicePreference)}
        >
          {DEVICES.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-dtype`} className="font-medium">
          Weight format
        </label>
        <select
          id={`${id}-dtype`}
          className={field}
          value={dtype}
          onChange={(event) => setDtype(event.target.value as Dtype | 'auto')}
        >
          {DTYPES.map((d) => (
            <option key={d} value={d}>
              {d === 'auto' ? 'Auto (best for the device)' : d}
            </option>
          ))}
        </select>
      </div>
      <button
        type="submit"
        disabled={loading}
        className="rounded-md border border-indigo-600 px-3 py-1.5 font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
      >
        {loading ? 'Loading…' : 'Load model'}
      </button>
    </form>
  );
}

/** The preset as one short option: the bundled model needs no size (nothing to fetch from elsewhere). */
function optionText(preset: ModelPreset): string {
  if (!isConfigured(preset)) return `${preset.label} · not configured`;
  if (preset.id === BUNDLED_PRESET_ID) return preset.label;
  return `${preset.label} · ${formatBytes(preset.sizes[0]?.bytes ?? 0)}${preset.dtypes.wasm ? '' : ' · WebGPU only'}`;
}
