#!/usr/bin/env node
// The `fcp` command. The project ships TypeScript sources and runs them through tsx's loader,
// so there is no build step between a clone and a working CLI.
import { register } from 'tsx/esm/api';

register();
await import('../controller/cli/main.ts');
