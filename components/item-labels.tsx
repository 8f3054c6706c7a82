import type { Label } from '@/lib/collections/collection-repo';
import { LabelChip, NoneChip } from './label-chip';

/** An item's current annotation as chips: its labels, "none of these", or "unannotated". */
export function ItemLabels(props: {
  kind: 'labels' | 'none' | 'cleared' | null;
  labelIds: number[];
  labelsById: Map<number, Label>;
}) {
  if (props.kind === 'none') return <NoneChip />;
  if (props.kind !== 'labels' || props.labelIds.length === 0) {
    return <span className="text-xs text-muted italic">Unannotated</span>;
  }

  return (
    <span className="flex flex-wrap gap-1">
      {props.labelIds.map((id) => {
        const label = props.labelsById.get(id);
        return label ? (
          <LabelChip key={id} name={label.name} colour={label.colour} />
        ) : (
          <LabelChip key={id} name={`Label ${id}`} colour="#999999" />
        );
      })}
    </span>
  );
}
