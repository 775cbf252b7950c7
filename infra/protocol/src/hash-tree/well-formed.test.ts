import { describe, expect, it } from 'vitest';

import type { HashTree } from './types.js';
import { isWellFormedHashTree } from './well-formed.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const leaf = (text: string): HashTree => [3, utf8(text)];
const labeled = (label: string, subtree: HashTree): HashTree => [2, utf8(label), subtree];
const pruned: HashTree = [4, new Uint8Array(32)];

describe('isWellFormedHashTree', () => {
  it('isWellFormedHashTree accepts strictly increasing labels with pruned gaps', () => {
    expect(
      isWellFormedHashTree([1, [1, labeled('a', leaf('1')), pruned], labeled('ab', [0])]),
    ).toBe(true);
  });

  it('isWellFormedHashTree accepts a lone leaf, Empty and Pruned', () => {
    expect(isWellFormedHashTree(leaf('x'))).toBe(true);
    expect(isWellFormedHashTree([0])).toBe(true);
    expect(isWellFormedHashTree(pruned)).toBe(true);
  });

  it('isWellFormedHashTree rejects labels out of order or repeated', () => {
    expect(isWellFormedHashTree([1, labeled('b', leaf('1')), labeled('a', leaf('2'))])).toBe(false);
    expect(isWellFormedHashTree([1, labeled('a', leaf('1')), labeled('a', leaf('2'))])).toBe(false);
    expect(isWellFormedHashTree([1, labeled('ab', leaf('1')), labeled('a', leaf('2'))])).toBe(
      false,
    );
  });

  it('isWellFormedHashTree rejects a leaf mixed with labels', () => {
    expect(isWellFormedHashTree([1, labeled('a', leaf('1')), leaf('2')])).toBe(false);
    expect(isWellFormedHashTree([1, leaf('1'), leaf('2')])).toBe(false);
  });

  it('isWellFormedHashTree checks nested subtrees', () => {
    expect(
      isWellFormedHashTree(labeled('a', [1, labeled('y', leaf('1')), labeled('x', leaf('2'))])),
    ).toBe(false);
  });
});
