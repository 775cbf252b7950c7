/** The class names of the app's buttons, so every button looks and focuses alike. */

/** A button's look: the main action, a secondary one, a destructive one, or a quiet one. */
export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';

const BASE =
  'inline-flex items-center justify-center gap-1.5 rounded-lg px-3.5 py-2 text-sm font-semibold ' +
  'transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 ' +
  'focus-visible:outline-indigo-500 disabled:cursor-not-allowed disabled:opacity-50';

const VARIANTS: Readonly<Record<ButtonVariant, string>> = {
  primary:
    'bg-indigo-600 text-white shadow-sm hover:bg-indigo-500 disabled:hover:bg-indigo-600 ' +
    'dark:bg-indigo-500 dark:hover:bg-indigo-400',
  secondary:
    'bg-white text-slate-800 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50 ' +
    'dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-600 dark:hover:bg-slate-700',
  danger:
    'bg-rose-600 text-white shadow-sm hover:bg-rose-500 dark:bg-rose-500 dark:hover:bg-rose-400',
  ghost:
    'text-slate-600 hover:bg-slate-100 hover:text-slate-900 ' +
    'dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white',
};

/** The class names of a button in `variant`. */
export function buttonClass(variant: ButtonVariant): string {
  return `${BASE} ${VARIANTS[variant]}`;
}
