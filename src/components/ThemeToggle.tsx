import { useEffect } from 'react';
import { applyTheme, nextTheme, systemDarkQuery } from '../lib/theme';
import { setTheme } from '../store/actions';
import { useTheme } from '../store/selectors';

const labels = { system: 'System', light: 'Light', dark: 'Dark' } as const;

/** Cycles System → Light → Dark and keeps the `dark` class on <html> in sync (also with the OS). */
export function ThemeToggle() {
  const theme = useTheme();
  useEffect(() => {
    applyTheme(theme);
    const query = systemDarkQuery();
    if (theme !== 'system' || !query) return;
    const onChange = () => applyTheme('system');
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, [theme]);
  return (
    <button
      type="button"
      onClick={() => setTheme(nextTheme(theme))}
      aria-label={`Theme: ${labels[theme]}. Switch to ${labels[nextTheme(theme)]}`}
      className="rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-slate-700 dark:hover:bg-slate-800"
    >
      Theme: {labels[theme]}
    </button>
  );
}
