// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PrincipalBadge } from './principal-badge';

afterEach(cleanup);

const PRINCIPAL = 'uxrrr-q7777-77774-qaaaq-cai';

describe('PrincipalBadge', () => {
  it('shows the whole principal as its text, cut short on screen by CSS only', () => {
    render(<PrincipalBadge principal={PRINCIPAL} />);
    const shown = screen.getByTestId('principal');
    expect(shown.textContent).toBe(PRINCIPAL);
    expect(shown.className).toMatch(/\btruncate\b/);
    expect(shown.getAttribute('data-principal')).toBe(PRINCIPAL);
    expect(shown.getAttribute('title')).toBe(PRINCIPAL);
  });

  it('copies the whole principal and says so', async () => {
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText');
    render(<PrincipalBadge principal={PRINCIPAL} />);
    await user.click(screen.getByRole('button', { name: 'Copy principal' }));
    expect(writeText).toHaveBeenCalledWith(PRINCIPAL);
    expect(await navigator.clipboard.readText()).toBe(PRINCIPAL);
    expect(screen.getByRole('status').textContent).toMatch(/copied/);
  });

  it('offers the principal selected for copying by hand when the clipboard is refused', async () => {
    const user = userEvent.setup();
    vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValueOnce(new Error('NotAllowedError'));
    render(<PrincipalBadge principal={PRINCIPAL} />);
    await user.click(screen.getByRole('button', { name: 'Copy principal' }));
    const manual = (await screen.findByLabelText(/Copy it by hand/)) as HTMLInputElement;
    expect(manual.value).toBe(PRINCIPAL);
    expect(document.activeElement).toBe(manual);
  });

  it('shows a placeholder until the principal is known', () => {
    render(<PrincipalBadge principal={undefined} />);
    expect(screen.queryByTestId('principal')).toBeNull();
  });
});
