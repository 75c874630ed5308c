#!/usr/bin/env node
// Node 24 runs the TypeScript sources directly (type stripping); npm scripts put the pinned Node 24 first on PATH.
import '../src/cli/main.ts';
