#!/usr/bin/env node
// The installed `copytrail` command: runs cli.ts through tsx, so no build step is needed after npm ci.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../cli.ts');
