import * as Switch from '@radix-ui/react-switch';
import { useId } from 'react';
import type { Cadence } from './product-offers';

interface CadenceSwitchProps {
  cadence: Cadence;
  onChange: (cadence: Cadence) => void;
  /** The largest yearly saving on the page, in percent. */
  saving: number | null;
}

/** Monthly or yearly prices, for the products sold both ways (Radix's switch: role="switch", Space toggles). */
export function CadenceSwitch({ cadence, onChange, saving }: CadenceSwitchProps) {
  const id = useId();
  return (
    <div className="cadence-switch">
      <span aria-hidden="true" className={cadence === 'month' ? 'cadence-chosen' : undefined}>
        Monthly
      </span>
      <Switch.Root
        id={id}
        className="switch"
        checked={cadence === 'year'}
        onCheckedChange={(yearly) => onChange(yearly ? 'year' : 'month')}
        aria-label="Bill yearly"
        aria-describedby={saving !== null ? `${id}-saving` : undefined}
      >
        <Switch.Thumb className="switch-thumb" />
      </Switch.Root>
      <label htmlFor={id} className={cadence === 'year' ? 'cadence-chosen' : undefined}>
        Yearly
      </label>
      {saving !== null && (
        <span id={`${id}-saving`} className="badge">
          Save up to {saving}%
        </span>
      )}
    </div>
  );
}
