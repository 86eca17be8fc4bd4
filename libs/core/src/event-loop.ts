/**
 * Let the event loop run pending I/O and timers (signals, a worker's parent-gone notice, a test
 * runner's RPC, progress output) between long synchronous stretches of tensor work: an `await` of
 * a resolved promise runs only microtasks.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
