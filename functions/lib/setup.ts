// Cold-start setup shared by the Lambda entry files: settings from the
// environment (checked once), SDK clients and the logger.
import { createClients, createLogger, readConfig } from '@perfplane/aws';

export function setup(serviceName: string) {
  return {
    config: readConfig(),
    clients: createClients(),
    logger: createLogger(`perfplane-${serviceName}`),
  };
}
