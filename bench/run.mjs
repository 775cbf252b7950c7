// Runs every benchmark in this folder. Each prints its own table with a ratio against a
// baseline measured in the same run, so results compare across noisy machines.
import { runAgentOverhead } from './agent-overhead.mjs';
import { runAssetsCanister } from './assets-canister.mjs';
import { runDeploy } from './deploy.mjs';
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
// citadel deploy of generated sites (BENCH_DEPLOY_FILES, default 100 and 1 000 files; add
// 10000 for the large case, about 17 minutes) against hashing and gzipping them locally.
await runDeploy();
