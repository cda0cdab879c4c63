/**
 * Adds Promise.withResolvers on Node 20, which lacks it and which
 * aws-local-stepfunctions 3 calls for every Task state.
 * TODO: drop for the shared polyfill in @perfplane/core once merged.
 */
export function installPromiseWithResolvers(): void {
  const promise = Promise as unknown as { withResolvers?: unknown };
  if (typeof promise.withResolvers === 'function') {
    return;
  }
  promise.withResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const created = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise: created, resolve, reject };
  };
}
