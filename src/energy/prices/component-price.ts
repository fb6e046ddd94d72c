/** What pricing a component yields: energy per declared action, leakage power and area, each a Price. */
import type { Price } from '../price.js';

export interface ComponentPrice {
  readonly actions: Readonly<Record<string, Price>>;
  readonly leakageMw: Price;
  readonly areaMm2: Price;
}
