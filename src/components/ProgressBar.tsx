interface Props {
  readonly label: string;
  readonly value: number;
  /** 0 when unknown: the bar is indeterminate. */
  readonly max: number;
  readonly text: string;
}

/** An accessible progress bar (role progressbar with value and text). */
export function ProgressBar({ label, value, max, text }: Props) {
  const known = max > 0;
  const percent = known ? Math.min(100, (value / max) * 100) : 0;
  return (
    <div className="flex flex-col gap-0.5">
      <div className="flex justify-between gap-2 text-xs">
        <span className="truncate" title={label}>
          {label}
        </span>
        <span className="shrink-0 text-slate-600 dark:text-slate-400">{text}</span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={known ? max : undefined}
        aria-valuenow={known ? value : undefined}
        aria-valuetext={text}
        className="h-1.5 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
      >
        <div
          className={`h-full bg-indigo-600 dark:bg-indigo-400 ${known ? '' : 'w-1/3 animate-pulse'}`}
          style={known ? { width: `${percent}%` } : undefined}
        />
      </div>
    </div>
  );
}
