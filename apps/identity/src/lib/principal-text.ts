/** Principals in their text form. */
import { Principal } from '@dfinity/principal';

/** Whether `text` is a principal in its canonical text form (`rdmx6-jaaaa-aaaaa-aaadq-cai`). */
export function isPrincipalText(text: string): boolean {
  try {
    return Principal.fromText(text).toText() === text;
  } catch {
    return false;
  }
}
