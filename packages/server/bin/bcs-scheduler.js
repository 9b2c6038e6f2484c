#!/usr/bin/env node
// The installed `bcs-scheduler` command. It exists before the first build, so installing the workspace never
// warns about a missing bin; the command itself is built to dist/bin/bcs-scheduler.js.
import '../dist/bin/bcs-scheduler.js';
