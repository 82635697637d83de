import type { FromWorker, LocalModelInfo, ToWorker } from '../../../workers/protocol';
import type { WorkerFactory, WorkerPort } from '../../../src/lib/engine-client';

/** A Worker stand-in: records what the page posts; `emit` plays a worker event. */
export class FakeWorker implements WorkerPort {
  readonly posted: ToWorker[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;

  postMessage(message: ToWorker): void {
    this.posted.push(message);
  }

  terminate(): void {
    this.terminated = true;
  }

  emit(event: FromWorker): void {
    this.onmessage?.({ data: event } as MessageEvent<FromWorker>);
  }

  /** The last posted message of a type. */
  last<T extends ToWorker['type']>(type: T): Extract<ToWorker, { type: T }> {
    const found = [...this.posted].reverse().find((m) => m.type === type);
    if (!found) throw new Error(`nothing of type ${type} was posted`);
    return found as Extract<ToWorker, { type: T }>;
  }
}

/** A factory that keeps every worker it made. */
export function fakeFactory(): { factory: WorkerFactory; workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  return {
    workers,
    factory: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
  };
}

export function modelInfo(
  device: LocalModelInfo['device'],
  overrides: Partial<LocalModelInfo> = {},
): LocalModelInfo {
  return {
    source: 'onnx-community/Qwen2.5-0.5B-Instruct',
    displayName: 'Qwen2.5 0.5B Instruct',
    isUniner: false,
    promptStyle: 'chat',
    device,
    dtype: device === 'webgpu' ? 'q4f16' : 'q4',
    contextLength: 32768,
    ...overrides,
  };
}
