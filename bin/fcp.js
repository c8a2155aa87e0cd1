#!/usr/bin/env node
// The `fcp` command. The project ships TypeScript sources and runs them through tsx's loader,
// so there is no build step between a clone and a working CLI.
import { register } from 'tsx/esm/api';

/* global process */
// The AWS SDK warns once per process that its 2027 releases will need Node 22. The project supports
// Node 20 today (the container image runs 22); the warning would only clutter every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('../cli/main.ts');
