import { measureProbes, type ProbeBenchOptions } from './probe-bench.js';

/**
 * The probe benchmark's prober process: takes its options and the loopback server's port from its
 * parent, measures, sends the report back and exits. It loads only the prober, so its memory is
 * the prober's.
 */
process.once('message', (message: { options: ProbeBenchOptions; port: number }) => {
  void measureProbes(message.options, message.port).then(
    (report) => process.send!(report, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
});
