/**
 * One hook per value (components re-render only when their value changes). Derived arrays go through
 * `useShallow` or `useMemo` in the component.
 */
import { useAppStore } from './app-store';

export const usePassage = () => useAppStore((s) => s.passage);
export const useEntityTypes = () => useAppStore((s) => s.entityTypes);
export const useTypesNotice = () => useAppStore((s) => s.typesNotice);

export const useConstrain = () => useAppStore((s) => s.constrain);
export const useTheme = () => useAppStore((s) => s.theme);
export const useMaxNewTokens = () => useAppStore((s) => s.maxNewTokens);
export const useDatasetName = () => useAppStore((s) => s.datasetName);
export const usePromptStyle = () => useAppStore((s) => s.promptStyle);
export const useModelChoice = () => useAppStore((s) => s.modelChoice);
export const usePresetId = () => useAppStore((s) => s.presetId);
export const useCustomSource = () => useAppStore((s) => s.customSource);
export const useDevicePreference = () => useAppStore((s) => s.devicePreference);
export const useDtype = () => useAppStore((s) => s.dtype);
export const useMinScore = () => useAppStore((s) => s.minScore);
export const useTypeLabels = () => useAppStore((s) => s.typeLabels);

export const useLoadStatus = () => useAppStore((s) => s.loadStatus);
export const useLoadFiles = () => useAppStore((s) => s.loadFiles);
export const useLoadedModel = () => useAppStore((s) => s.loadedModel);
export const useFallbackReason = () => useAppStore((s) => s.fallbackReason);
export const useLoadMs = () => useAppStore((s) => s.loadMs);
export const useLoadError = () => useAppStore((s) => s.loadError);

export const useRunStatus = () => useAppStore((s) => s.runStatus);
export const useRunPassage = () => useAppStore((s) => s.runPassage);
export const useRunTypes = () => useAppStore((s) => s.runTypes);
export const useTypeRuns = () => useAppStore((s) => s.typeRuns);
export const useResults = () => useAppStore((s) => s.results);
export const useRunStats = () => useAppStore((s) => s.runStats);
export const useChunkProgress = () => useAppStore((s) => s.chunkProgress);
export const useRunNotice = () => useAppStore((s) => s.runNotice);
export const useRunError = () => useAppStore((s) => s.runError);
export const useAnsweredBy = () => useAppStore((s) => s.answeredBy);

/** True while a run is in progress. */
export const useIsRunning = () => useAppStore((s) => s.runStatus === 'running');
/** True when the passage was edited after the last run (highlights refer to the old text). */
export const usePassageChangedSinceRun = () =>
  useAppStore((s) => s.runStatus !== 'idle' && s.passage !== s.runPassage);

export const useReview = () => useAppStore((s) => s.review);
export const useReviewText = () => useAppStore((s) => s.reviewText);
export const useReviewTypes = () => useAppStore((s) => s.reviewTypes);
export const useReviewAnnouncement = () => useAppStore((s) => s.reviewAnnouncement);
export const useShowRejected = () => useAppStore((s) => s.showRejected);
export const useCanUndo = () => useAppStore((s) => s.reviewHistory.past.length > 0);
export const useCanRedo = () => useAppStore((s) => s.reviewHistory.future.length > 0);
/** True when the passage in the editor is not the text under review (highlights show the old text). */
export const usePassageChangedSinceReview = () =>
  useAppStore((s) => s.reviewText !== '' && s.passage !== s.reviewText);
