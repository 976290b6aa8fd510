import type * as ExcelJS from 'exceljs';

let loaded: typeof ExcelJS | undefined;

/**
 * exceljs, loaded on first use: it is about 200 modules, which a service carries at boot for
 * nothing until someone imports or exports a file.
 */
export function excel(): typeof ExcelJS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('exceljs') as typeof ExcelJS);
}
