// AWS Lambda entry point (handler "lambda.handler"): runs pipeline/lambda.ts through tsx, as the
// copytrail command does, so the deployment package is the project with its production modules.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { handler: run } = await import('./pipeline/lambda.ts');

export const handler = run;
