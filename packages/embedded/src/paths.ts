import path from 'node:path';

/** Files and folders of the embedded state folder. */
export function statePaths(home: string) {
  return {
    home,
    dynamo: path.join(home, 'dynamo'),
    s3: path.join(home, 's3'),
    logs: path.join(home, 'logs'),
    bundles: path.join(home, 'bundles'),
    runtimeFile: path.join(home, 'runtime.json'),
    tokenFile: path.join(home, 'token'),
    serviceLog: path.join(home, 'service.log'),
  };
}

/** Returns the state folder: $PERFPLANE_HOME, else .perfplane under the repository root. */
export function defaultHome(root: string): string {
  return process.env.PERFPLANE_HOME ?? path.join(root, '.perfplane');
}
