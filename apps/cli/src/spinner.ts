/** Braille spinner frames for progress lines on terminals. */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The spinner's frame number `n` (any integer). */
export function spinnerFrame(n: number): string {
  return FRAMES[Math.abs(n) % FRAMES.length] ?? '';
}
