// Runs every benchmark in this folder. Each prints its own table with a ratio against a
// baseline measured in the same run, so results compare across noisy machines.
import { runAgentOverhead } from './agent-overhead.mjs';
import { runAssetsCanister } from './assets-canister.mjs';
import { runDurability } from './durability.mjs';
import { runGateway } from './gateway.mjs';
import { runMetering } from './metering.mjs';

const iterations = Number(process.env.BENCH_ITERATIONS ?? 200);
await runAgentOverhead({ iterations });
await runDurability({ iterations, canisters: Number(process.env.BENCH_CANISTERS ?? 50) });
await runMetering();
// Site size from BENCH_ASSET_FILES (default 1 000 files); the commit alone takes about a minute.
await runAssetsCanister({ iterations });
// Gateway vs nginx on the same files; skipped with a message when nginx is not installed
// (BENCH_INSTALL_NGINX=1 lets it install Debian's package when run as root).
await runGateway();
