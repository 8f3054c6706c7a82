/** A label as text with its colour as a swatch: the name always carries the meaning. */
export function LabelChip({ name, colour }: { name: string; colour: string }) {
  return (
    <span className="pill border-line bg-white text-ink">
      <span
        aria-hidden="true"
        className="inline-block size-2.5 shrink-0 rounded-full ring-1 ring-black/20"
        style={{ backgroundColor: colour }}
      />
      <span className="truncate">{name}</span>
    </span>
  );
}

export function NoneChip() {
  return (
    <span className="pill border-stone-400 border-dashed bg-stone-50 text-stone-700">
      <span aria-hidden="true">∅</span>
      None of these
    </span>
  );
}
