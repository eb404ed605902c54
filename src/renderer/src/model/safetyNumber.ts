/** Safety number display (docs/architecture.md): 60 digits shown as 12 groups of 5, in rows of 4 groups. */

export function safetyNumberGroups(safetyNumber: string): string[] {
  const digits = safetyNumber.replace(/\D/g, '');
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 5) groups.push(digits.slice(i, i + 5));
  return groups;
}

export function safetyNumberRows(safetyNumber: string, perRow = 4): string[][] {
  const groups = safetyNumberGroups(safetyNumber);
  const rows: string[][] = [];
  for (let i = 0; i < groups.length; i += perRow) rows.push(groups.slice(i, i + perRow));
  return rows;
}
