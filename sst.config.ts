/// <reference path="./.sst/platform/config.d.ts" />

// Deploys the perfplane control plane: table, bucket, state machines, one
// CodeBuild project per phase, the Lambdas, the HTTP API and the schedules.
// Resource settings come from packages/aws, where they are unit-tested.
export default $config({
  app(input) {
    return {
      name: 'perfplane',
      home: 'aws',
      removal: input?.stage === 'production' ? 'retain' : 'remove',
      protect: input?.stage === 'production',
    };
  },
  async run() {
    const settings = await import('./packages/aws/src/settings/index.js');
    const prefix = settings.assertPrefix(`${$app.name}-${$app.stage}`);
    const plan = settings.deploymentPlan(process.cwd(), prefix);
    const region = aws.getRegionOutput().region;
    const accountId = aws.getCallerIdentityOutput().accountId;

    const tableSettings = settings.tableSettings();
    const table = new sst.aws.Dynamo('Table', {
      fields: tableSettings.fields,
      primaryIndex: tableSettings.primaryIndex,
      globalIndexes: tableSettings.globalIndexes,
      ttl: tableSettings.ttl,
      deletionProtection: tableSettings.deletionProtection,
      transform: {
        table: (args) => {
          args.pointInTimeRecovery = { enabled: tableSettings.pointInTimeRecovery };
          args.billingMode = tableSettings.billingMode;
        },
      },
    });

    const bucket = new sst.aws.Bucket('Artifacts', {
      versioning: plan.bucket.versioning,
      enforceHttps: plan.bucket.enforceTls,
      transform: {
        publicAccessBlock: (args) => {
          Object.assign(args, plan.bucket.publicAccessBlock);
        },
      },
    });
    new aws.s3.BucketServerSideEncryptionConfiguration('ArtifactsEncryption', {
      bucket: bucket.name,
      rules: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: plan.bucket.encryption.sseAlgorithm },
          bucketKeyEnabled: plan.bucket.encryption.bucketKeyEnabled,
        },
      ],
    });
    new aws.s3.BucketLifecycleConfiguration('ArtifactsLifecycle', {
      bucket: bucket.name,
      rules: plan.bucket.lifecycle.map(settings.toS3LifecycleRule),
    });
    const source = new aws.s3.BucketObjectv2('BuildSource', {
      bucket: bucket.name,
      key: 'source/perfplane.zip',
      source: new $util.asset.AssetArchive({
        buildspecs: new $util.asset.FileArchive('buildspecs'),
        phases: new $util.asset.FileArchive('phases'),
        k6: new $util.asset.FileArchive('k6'),
        environments: new $util.asset.FileArchive('environments'),
      }),
    });

    const scope = $resolve([region, accountId, table.name, bucket.name]).apply(
      ([regionName, account, tableName, bucketName]) => ({
        region: regionName,
        accountId: account,
        prefix,
        tableName,
        bucketName,
      }),
    );
    const policies = scope.apply((resolved) => settings.lambdaPolicies(resolved, plan.managed));

    const slackSecret = new sst.Secret('SlackSigningSecret', 'unset');
    const environment = {
      PERFPLANE_PREFIX: prefix,
      PERFPLANE_ACCOUNT_ID: accountId,
      PERFPLANE_TABLE: table.name,
      PERFPLANE_BUCKET: bucket.name,
      PERFPLANE_ENVIRONMENTS: plan.environments.map((item) => item.name).join(','),
      POWERTOOLS_SERVICE_NAME: 'perfplane',
    };
    const lambda = (
      name: (typeof settings.LAMBDAS)[number],
      timeout: `${number} seconds`,
      extra: Record<string, $util.Input<string>> = {},
    ) =>
      new sst.aws.Function(
        `Fn${name.replace(/(^|-)(\w)/g, (...match: string[]) => (match[2] ?? '').toUpperCase())}`,
        {
          name: settings.functionName(prefix, name),
          handler: `functions/${name}.handler`,
          runtime: 'nodejs22.x',
          architecture: 'arm64',
          timeout,
          memory: '512 MB',
          environment: { ...environment, ...extra },
          permissions: policies.apply((all) => settings.toSstPermissions(all[name])),
          logging: { retention: '3 months', format: 'json' },
          copyFiles: [{ from: 'environments' }],
        },
      );

    const steps = lambda('steps', '60 seconds');
    const api = lambda('api', '29 seconds');
    // NOTE: the secret reaches the function as an environment variable, visible to
    // anyone who may read the function's configuration.
    const slack = lambda('slack', '60 seconds', { SLACK_SIGNING_SECRET: slackSecret.value });
    const validate = lambda('validate', '300 seconds');
    const costSaving = lambda('cost-saving', '600 seconds');
    const emergencyStop = lambda('emergency-stop', '120 seconds');
    const supportBundle = lambda('support-bundle', '600 seconds');
    const lockReaper = lambda('lock-reaper', '60 seconds');

    for (const project of plan.projects) {
      const role = new aws.iam.Role(`BuildRole${project.phase}`, {
        assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({
          Service: 'codebuild.amazonaws.com',
        }),
      });
      new aws.iam.RolePolicy(`BuildPolicy${project.phase}`, {
        role: role.id,
        policy: scope.apply((resolved) =>
          JSON.stringify(settings.buildRolePolicy(resolved, project.phase)),
        ),
      });
      // NOTE: Terraform and Helm in these phases create VPCs, clusters, databases
      // and IAM roles; PowerUserAccess plus IAM is broad, and a tighter policy
      // waits for the phase scripts' resource list.
      if (project.phase !== '01-prerequisites' && project.phase !== '08-analysis') {
        new aws.iam.RolePolicyAttachment(`BuildPower${project.phase}`, {
          role: role.name,
          policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess',
        });
        new aws.iam.RolePolicyAttachment(`BuildIam${project.phase}`, {
          role: role.name,
          policyArn: 'arn:aws:iam::aws:policy/IAMFullAccess',
        });
      }
      const logGroup = new aws.cloudwatch.LogGroup(`BuildLogs${project.phase}`, {
        name: project.logGroup,
        retentionInDays: project.logRetentionDays,
      });
      new aws.codebuild.Project(`Build${project.phase}`, {
        name: project.name,
        description: project.description,
        serviceRole: role.arn,
        buildTimeout: project.timeoutInMinutes,
        queuedTimeout: project.queuedTimeoutInMinutes,
        artifacts: { type: 'NO_ARTIFACTS' },
        source: {
          type: 'S3',
          location: $interpolate`${bucket.name}/${source.key}`,
          buildspec: project.buildspec,
        },
        environment: {
          type: 'LINUX_CONTAINER',
          image: project.image,
          computeType: project.computeType,
          privilegedMode: project.privilegedMode,
          environmentVariables: [
            { name: 'PERFPLANE_PLATFORM', value: 'aws' },
            { name: 'PERFPLANE_BUCKET', value: bucket.name },
          ],
        },
        logsConfig: { cloudwatchLogs: { groupName: logGroup.name, status: 'ENABLED' } },
      });
    }

    const machineRole = new aws.iam.Role('StateMachineRole', {
      assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: 'states.amazonaws.com' }),
    });
    new aws.iam.RolePolicy('StateMachinePolicy', {
      role: machineRole.id,
      policy: $resolve({ where: scope, stepsArn: steps.arn }).apply(({ where, stepsArn }) =>
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [stepsArn] },
            {
              Effect: 'Allow',
              Action: ['codebuild:StartBuild', 'codebuild:StopBuild', 'codebuild:BatchGetBuilds'],
              Resource: plan.projects.map((project) =>
                settings.arnsOf(where).project(project.phase),
              ),
            },
            {
              // startBuild.sync waits on a rule Step Functions manages itself.
              Effect: 'Allow',
              Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
              Resource: [
                `arn:aws:events:${where.region}:${where.accountId}:rule/StepFunctionsGetEventForCodeBuildStartBuildRule`,
              ],
            },
          ],
        }),
      ),
    });
    for (const machine of plan.stateMachines) {
      new aws.sfn.StateMachine(`Machine${machine}`, {
        name: settings.stateMachineName(prefix, machine),
        roleArn: machineRole.arn,
        definition: steps.arn.apply((stepsArn) =>
          settings.substituteDefinition(
            settings.readDefinition(process.cwd(), machine),
            // The steps Lambda also serves the approval task: it records the task token.
            { ProjectPrefix: prefix, StepsFunctionArn: stepsArn, ApprovalFunctionArn: stepsArn },
            `statemachines/${machine}.asl.json`,
          ),
        ),
      });
    }

    const http = new sst.aws.ApiGatewayV2('Api', {
      accessLog: { retention: '3 months' },
    });
    http.route('POST /slack/commands', slack.arn);
    http.route('ANY /{proxy+}', api.arn, { auth: { iam: true } });

    const schedulerRole = new aws.iam.Role('SchedulerRole', {
      assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({
        Service: 'scheduler.amazonaws.com',
      }),
    });
    new aws.iam.RolePolicy('SchedulerPolicy', {
      role: schedulerRole.id,
      policy: $jsonStringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['lambda:InvokeFunction'],
            Resource: [costSaving.arn, lockReaper.arn],
          },
        ],
      }),
    });
    for (const schedule of plan.schedules) {
      new aws.scheduler.Schedule(`Schedule${schedule.name}`, {
        name: schedule.name,
        description: schedule.description,
        scheduleExpression: schedule.expression,
        scheduleExpressionTimezone: schedule.timezone,
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: costSaving.arn,
          roleArn: schedulerRole.arn,
          input: JSON.stringify(schedule.input),
        },
      });
    }
    new aws.scheduler.Schedule('ScheduleLockReaper', {
      name: `${prefix}-lock-reaper`,
      scheduleExpression: settings.LOCK_REAPER_EXPRESSION,
      flexibleTimeWindow: { mode: 'OFF' },
      target: { arn: lockReaper.arn, roleArn: schedulerRole.arn, input: '{}' },
    });

    return {
      api: http.url,
      table: table.name,
      bucket: bucket.name,
      functions: $resolve([validate.name, emergencyStop.name, supportBundle.name]),
    };
  },
});
