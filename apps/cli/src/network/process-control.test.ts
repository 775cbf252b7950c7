import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isZombieStat, nodeProcessControl } from './process-control.js';

describe('nodeProcessControl', () => {
  it('reports this process as alive', () => {
    expect(nodeProcessControl.isAlive(process.pid)).toBe(true);
  });

  it('reports a child as dead once it has exited', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    const pid = child.pid;
    expect(pid).toBeDefined();
    await new Promise((resolve) => child.once('exit', resolve));
    expect(nodeProcessControl.isAlive(pid as number)).toBe(false);
  });

  it('reads the zombie state from a /proc stat line, even when the command name has parentheses', () => {
    expect(isZombieStat('4242 (node) Z 1 4242 4242 0 -1')).toBe(true);
    expect(isZombieStat('4242 (node) S 1 4242 4242 0 -1')).toBe(false);
    expect(isZombieStat('4242 (a) b) Z 1 4242')).toBe(true);
    expect(isZombieStat('4242 (a) Z) R 1 4242')).toBe(false);
  });
});
