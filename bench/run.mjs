// Runs every benchmark in this folder. Each prints its own table with a ratio against a
// baseline measured in the same run, so results compare across noisy machines.
import { runAgentOverhead } from './agent-overhead.mjs';

await runAgentOverhead({ iterations: Number(process.env.BENCH_ITERATIONS ?? 200) });
