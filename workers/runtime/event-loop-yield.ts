/**
 * Lets the worker's event loop turn between model steps.
 *
 * When every await of a generate loop resolves through microtasks (a single-threaded WASM run can),
 * message events (`interrupt`, a newer `extract`) queue up behind the whole run, so Stop would only
 * act once the run had finished. One macrotask per model step — a MessageChannel round trip, which
 * unlike setTimeout is not clamped to 4 ms — guarantees those messages get in. It costs a fraction of
 * a millisecond per step. (With threaded WASM in Chromium 156 the messages got through without it;
 * this keeps Stop working where they would not.)
 */

/** Resolves on a fresh macrotask. */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

interface Forwarding {
  forward(inputs: unknown): Promise<unknown>;
}

/** Makes every `model.forward` (prefill pieces and decode steps alike) start on a fresh macrotask. */
export function yieldBeforeEachStep(model: Forwarding): void {
  const forward = model.forward.bind(model);
  model.forward = async (inputs: unknown) => {
    await nextMacrotask();
    return forward(inputs);
  };
}
