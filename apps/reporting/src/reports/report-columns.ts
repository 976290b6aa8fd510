import type { ColumnSpec } from '@crm/data-exchange';
import type { ChurnReportItemResponse } from '../churn/dto/churn-report.dto';
import type { CompositionDimension } from '../composition/composition-count.entity';

/** What each report's spreadsheet is called (file and tab), in the spec's words and in English. */
export const REPORT_TITLES = {
  contribution: { zh: '客户贡献分析', en: 'Contribution' },
  composition: { zh: '客户构成分析', en: 'Composition' },
  services: { zh: '客户服务分析', en: 'Services' },
  churn: { zh: '客户流失分析', en: 'Churn' },
} as const;

export const CONTRIBUTION_COLUMNS: readonly ColumnSpec[] = [
  { key: 'customerNo', zh: '客户编号', en: 'Customer No', width: 18 },
  { key: 'customerName', zh: '客户名称', en: 'Customer name', width: 36 },
  { key: 'orderCount', zh: '订单数', en: 'Orders' },
  { key: 'totalAmount', zh: '订单金额(元)', en: 'Total amount (CNY)', width: 22 },
];

const DIMENSION_LABELS: Record<CompositionDimension, { zh: string; en: string }> = {
  level: { zh: '客户等级', en: 'Level' },
  credit: { zh: '客户信用度', en: 'Credit' },
  satisfaction: { zh: '客户满意度', en: 'Satisfaction' },
};

/** The item column is named after the dimension the report is by. */
export function compositionColumns(by: CompositionDimension): readonly ColumnSpec[] {
  return [
    { key: 'item', ...DIMENSION_LABELS[by], width: 20 },
    { key: 'count', zh: '客户数', en: 'Customers' },
    { key: 'share', zh: '比例', en: 'Share' },
  ];
}

/** What the composition's unset item says in a spreadsheet. */
export const UNSET_ITEM_LABEL = '未设置 / not set';

export const SERVICE_COLUMNS: readonly ColumnSpec[] = [
  { key: 'type', zh: '服务类型', en: 'Service type', width: 18 },
  { key: 'count', zh: '服务数量', en: 'Tickets' },
];

export const CHURN_COLUMNS: readonly ColumnSpec[] = [
  { key: 'customerNo', zh: '客户编号', en: 'Customer No', width: 18 },
  { key: 'customerName', zh: '客户名称', en: 'Customer name', width: 36 },
  { key: 'manager', zh: '客户经理', en: 'Manager', width: 16 },
  { key: 'lastOrderDate', zh: '上次下单日期', en: 'Last order date', width: 16 },
  { key: 'warnedAt', zh: '预警时间', en: 'Warned at', width: 26 },
  { key: 'measures', zh: '暂缓措施', en: 'Measures', width: 60 },
  { key: 'reason', zh: '流失原因', en: 'Reason', width: 40 },
  { key: 'confirmedAt', zh: '确认流失时间', en: 'Confirmed at', width: 26 },
];

/** A churn record as a spreadsheet row: its measures one a line, with their date and author. */
export function churnRow(item: ChurnReportItemResponse): Record<string, unknown> {
  return {
    ...item,
    manager: item.manager.name,
    measures: item.measures.map((measure) => `${measure.at.slice(0, 10)} ${measure.measure} (${measure.by.name})`).join('\n'),
  };
}
