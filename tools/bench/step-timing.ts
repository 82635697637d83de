/**
 * Timing hooks installed from the outside (workers/ stays untouched): one around the model's
 * `forward` (every pass the engine and `generate` make) and one around the constraint's logits
 * processor (`JsonListLogitsProcessor._call`, which the engine's `createConstraintProcessor` builds).
 * Both patch prototypes shared with the engine, since tsx loads one copy of each module.
 */
import { PreTrainedModel, type Tensor } from '@huggingface/transformers';
import { JsonListLogitsProcessor } from '../../workers/decoding/constraint/logits-processor';

/** What the hooks saw while `recording` was on. */
export interface StepTimes {
  /** Durations of one-token forward passes (decode steps). */
  readonly decodeStepMs: number[];
  /** Durations of the constraint processor's calls (one per generated token). */
  readonly constraintMs: number[];
}

export interface StepTiming {
  /** Records only while true. */
  recording: boolean;
  readonly times: StepTimes;
  reset(): void;
  /** Puts the original methods back. */
  uninstall(): void;
}

export function installStepTiming(): StepTiming {
  const modelProto = PreTrainedModel.prototype as unknown as {
    forward(inputs: Record<string, unknown>): Promise<unknown>;
  };
  const processorProto = JsonListLogitsProcessor.prototype as unknown as {
    _call(ids: bigint[][], logits: Tensor): Tensor;
  };
  const forward = modelProto.forward;
  const call = processorProto._call;
  const timing: StepTiming = {
    recording: false,
    times: { decodeStepMs: [], constraintMs: [] },
    reset() {
      timing.times.decodeStepMs.length = 0;
      timing.times.constraintMs.length = 0;
    },
    uninstall() {
      modelProto.forward = forward;
      processorProto._call = call;
    },
  };
  modelProto.forward = async function (this: unknown, inputs: Record<string, unknown>) {
    const started = performance.now();
    const result = await forward.call(this, inputs);
    const ids = inputs.input_ids as { dims?: readonly number[] } | undefined;
    if (timing.recording && ids?.dims?.at(-1) === 1)
      timing.times.decodeStepMs.push(performance.now() - started);
    return result;
  };
  processorProto._call = function (this: unknown, ids: bigint[][], logits: Tensor) {
    const started = performance.now();
    const result = call.call(this, ids, logits);
    if (timing.recording) timing.times.constraintMs.push(performance.now() - started);
    return result;
  };
  return timing;
}

export const mean = (values: readonly number[]): number =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
