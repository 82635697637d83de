/** The `dark` class on <html> (Tailwind's class strategy), following the system unless the user chose. */

/** Colour scheme choice: follow the operating system, or force one. */
export type ThemePreference = 'system' | 'light' | 'dark';

/** Whether the page should be dark for a preference and the system setting. */
export function isDark(preference: ThemePreference, systemDark: boolean): boolean {
  return preference === 'dark' || (preference === 'system' && systemDark);
}

/** The system's colour scheme query, when the environment has one. */
export function systemDarkQuery(): MediaQueryList | null {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia('(prefers-color-scheme: dark)')
    : null;
}

/** Sets or clears the `dark` class and the `color-scheme` of the document. */
export function applyTheme(preference: ThemePreference, root: HTMLElement = document.documentElement): void {
  const dark = isDark(preference, systemDarkQuery()?.matches ?? false);
  root.classList.toggle('dark', dark);
  root.style.colorScheme = dark ? 'dark' : 'light';
}

/** The next preference of the toggle button. */
export function nextTheme(preference: ThemePreference): ThemePreference {
  return preference === 'system' ? 'light' : preference === 'light' ? 'dark' : 'system';
}
