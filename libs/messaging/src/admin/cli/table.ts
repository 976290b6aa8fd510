/** A plain text table for terminals: one header row, columns padded to their widest cell. */
export function table<Row extends object>(rows: Row[], columns: (keyof Row & string)[], maxWidth = 60): string {
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? '-' : String(value).replace(/\s+/g, ' ');
    return text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text;
  };
  const cells: string[][] = [columns, ...rows.map((row) => columns.map((column) => cell(row[column])))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  return cells.map((line) => line.map((text, i) => text.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}
