import type { PolicyDocument } from '../../src/settings/iam.js';
import type { DeploymentScope } from '../../src/settings/names.js';

/** IAM service prefix of each SDK client, by the client's class name. */
const SERVICE_PREFIX: Record<string, string> = {
  DynamoDBClient: 'dynamodb',
  S3Client: 's3',
  SFNClient: 'states',
  CodeBuildClient: 'codebuild',
  CloudWatchLogsClient: 'logs',
  EKSClient: 'eks',
  RDSClient: 'rds',
  LambdaClient: 'lambda',
};

/** Commands whose IAM action is not the command name. */
const ACTION_EXCEPTIONS: Record<string, string> = {
  'lambda:Invoke': 'lambda:InvokeFunction',
  's3:CreateMultipartUpload': 's3:PutObject',
  's3:UploadPart': 's3:PutObject',
  's3:CompleteMultipartUpload': 's3:PutObject',
  's3:HeadObject': 's3:GetObject',
  's3:ListObjectsV2': 's3:ListBucket',
};

export interface SentCommand {
  client: string;
  command: string;
  input: Record<string, unknown>;
}

export function actionOf(sent: SentCommand): string {
  const prefix = SERVICE_PREFIX[sent.client];
  if (!prefix) {
    throw new Error(`no IAM prefix for ${sent.client}`);
  }
  const action = `${prefix}:${sent.command.replace(/Command$/, '')}`;
  return ACTION_EXCEPTIONS[action] ?? action;
}

/** Returns the ARN a command acts on, read from its input. */
export function resourceOf(sent: SentCommand, scope: DeploymentScope): string {
  const base = (service: string) => `arn:aws:${service}:${scope.region}:${scope.accountId}`;
  const input = sent.input;
  switch (sent.client) {
    case 'DynamoDBClient':
      return input.IndexName
        ? `${base('dynamodb')}:table/${input.TableName}/index/${input.IndexName}`
        : `${base('dynamodb')}:table/${input.TableName}`;
    case 'S3Client':
      return input.Key
        ? `arn:aws:s3:::${input.Bucket}/${input.Key}`
        : `arn:aws:s3:::${input.Bucket}`;
    case 'SFNClient':
      if (input.taskToken) {
        // IAM checks task responses against the state machine that issued the token.
        return `${base('states')}:stateMachine:${scope.prefix}-run`;
      }
      return String(input.stateMachineArn ?? input.executionArn);
    case 'CodeBuildClient': {
      const project =
        input.projectName ??
        String((input.ids as string[] | undefined)?.[0] ?? input.id).split(':')[0];
      return `${base('codebuild')}:project/${project}`;
    }
    case 'CloudWatchLogsClient':
      return `${base('logs')}:log-group:${input.logGroupName}:*`;
    case 'EKSClient':
      return input.nodegroupName
        ? `${base('eks')}:nodegroup/${input.clusterName}/${input.nodegroupName}/0a1b2c`
        : `${base('eks')}:cluster/${input.clusterName ?? input.name}`;
    case 'RDSClient':
      return `${base('rds')}:db:${input.DBInstanceIdentifier}`;
    case 'LambdaClient':
      return `${base('lambda')}:function:${input.FunctionName}`;
    default:
      throw new Error(`no resource rule for ${sent.client}`);
  }
}

function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** Checks whether a policy allows an action on a resource, with IAM's wildcard matching. */
export function allows(policy: PolicyDocument, action: string, resource: string): boolean {
  return policy.Statement.some(
    (statement) =>
      statement.Action.some((pattern) => wildcard(pattern).test(action)) &&
      statement.Resource.some((pattern) => wildcard(pattern).test(resource)),
  );
}
