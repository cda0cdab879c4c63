/**
 * Polyfills the embedded control plane needs on Node 20.
 *
 * aws-local-stepfunctions 3.0 races every Task state against a timeout made
 * with `Promise.withResolvers`, which Node adds in version 22. Without it each
 * Task throws a TypeError, which a Catch on States.ALL swallows, so a state
 * machine silently takes its failure path.
 */

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseWithResolvers = PromiseConstructor & { withResolvers?: <T>() => Resolvers<T> };

function withResolvers<T>(): Resolvers<T> {
  let resolve!: Resolvers<T>['resolve'];
  let reject!: Resolvers<T>['reject'];
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

/** Installs missing polyfills; safe to call more than once. */
export function installPolyfills(): void {
  const promise = Promise as PromiseWithResolvers;
  if (typeof promise.withResolvers !== 'function') {
    Object.defineProperty(Promise, 'withResolvers', {
      value: withResolvers,
      writable: true,
      configurable: true,
    });
  }
}
