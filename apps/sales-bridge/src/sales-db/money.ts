/**
 * Money from the sales system is decimal(12,2), read as text so nothing is lost on the way; sums
 * are done in whole cents and turned into numbers only for the answer.
 */
export function toCents(decimal: string | number | null | undefined): number {
  if (decimal === null || decimal === undefined) return 0;
  const text = typeof decimal === 'number' ? decimal.toFixed(2) : decimal.trim();
  const match = /^(-)?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match) throw new Error(`not a decimal amount: ${text}`);
  const [, minus, whole, fraction = ''] = match;
  // Beyond two places the sales system would have rounded already; round half up like it does.
  const cents = Number(whole || '0') * 100 + Number((fraction + '00').slice(0, 2)) + (Number(fraction[2] ?? '0') >= 5 ? 1 : 0);
  return minus ? -cents : cents;
}

export function fromCents(cents: number): number {
  return Math.round(cents) / 100;
}

/** quantity × unit price, in cents. */
export function lineAmountCents(quantity: number, unitPrice: string | number): number {
  return quantity * toCents(unitPrice);
}
