import type { PriceInfo } from '../catalog/prices';

// Average lengths, so prices of different intervals compare by what they cost per day.
const DAYS: Record<string, number> = { day: 1, week: 7, month: 365.2425 / 12, year: 365.2425 };

const periodDays = (price: PriceInfo) => (DAYS[price.interval ?? 'month'] ?? DAYS.month ?? 30) * price.intervalCount;
const perDay = (price: PriceInfo) => (price.unitAmount ?? 0) / periodDays(price);

/**
 * An upgrade costs more per normalised interval, or commits to a longer period (month → year,
 * even when the year is cheaper per month). Upgrades take effect now, prorated and invoiced;
 * anything else waits for the end of the period already paid.
 */
export function isUpgrade(current: PriceInfo, next: PriceInfo): boolean {
  return periodDays(next) > periodDays(current) || perDay(next) > perDay(current);
}
