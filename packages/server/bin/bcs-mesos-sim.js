#!/usr/bin/env node
// The installed `bcs-mesos-sim` command (the simulated Mesos master over HTTP). Like bcs-scheduler.js, it exists
// before the first build; the command itself is built to dist/bin/bcs-mesos-sim.js.
import '../dist/bin/bcs-mesos-sim.js';
