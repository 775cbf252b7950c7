import { CborTag, isCborMap } from '@citadel/protocol';
import type { CborValue } from '@citadel/protocol';

/**
 * True when `value` holds more than `budget` CBOR items (maps, arrays, tags and leaves,
 * `value` itself included). Stops as soon as the budget is spent and walks with its own
 * stack, so neither the size nor the depth of hostile input costs more than the budget.
 */
export function exceedsItemBudget(value: CborValue, budget: number): boolean {
  const stack: CborValue[] = [value];
  let count = 0;
  while (stack.length > 0) {
    const item = stack.pop();
    count += 1;
    if (count + stack.length > budget) {
      return true;
    }
    if (Array.isArray(item)) {
      if (count + stack.length + item.length > budget) {
        return true;
      }
      for (const child of item as readonly CborValue[]) {
        stack.push(child);
      }
    } else if (item instanceof CborTag) {
      stack.push(item.value);
    } else if (item !== undefined && isCborMap(item)) {
      for (const key in item) {
        const child = item[key];
        if (child !== undefined) {
          stack.push(child);
          if (count + stack.length > budget) {
            return true;
          }
        }
      }
    }
  }
  return false;
}
