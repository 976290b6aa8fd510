import type { ReportingApp } from './reporting-app';
import { expectedChurn, expectedComposition, expectedContribution, expectedServices, type SalesWorld } from './sales-world';

const DIMENSIONS = ['level', 'credit', 'satisfaction'] as const;

/** The filters every comparison looks at: every year the data has, and a few "contains" texts. */
export interface ReportViews {
  years: number[];
  customerNames: string[];
  managerNames: string[];
}

async function get(service: ReportingApp, url: string) {
  const response = await service.call('executive', 'GET', url);
  if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** Every page of a paged report, through the API. */
async function allPages(service: ReportingApp, path: string, query: Record<string, string | number | undefined>): Promise<unknown[]> {
  const items: unknown[] = [];
  for (let page = 1; ; page++) {
    const params = new URLSearchParams({ page: String(page), pageSize: '100' });
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const body = await get(service, `${path}?${params}`);
    items.push(...body.items);
    if (items.length >= body.total || body.items.length === 0) {
      if (items.length !== body.total) throw new Error(`${path}: ${items.length} rows but total ${body.total}`);
      return items;
    }
  }
}

/** Every report under every view, as the service answers it. */
export async function readReports(service: ReportingApp, views: ReportViews) {
  const contribution: Record<string, unknown> = { all: await allPages(service, '/reports/contribution', {}) };
  for (const year of views.years) contribution[`year ${year}`] = await allPages(service, '/reports/contribution', { year });
  for (const customerName of views.customerNames) {
    contribution[`name ${customerName}`] = await allPages(service, '/reports/contribution', { customerName });
    contribution[`name ${customerName}, ${views.years[0]}`] = await allPages(service, '/reports/contribution', { customerName, year: views.years[0] });
  }
  const composition: Record<string, unknown> = {};
  for (const by of DIMENSIONS) composition[by] = await get(service, `/reports/composition?by=${by}`);
  const services: Record<string, unknown> = { all: await get(service, '/reports/services') };
  for (const year of views.years) services[`year ${year}`] = await get(service, `/reports/services?year=${year}`);
  const churn: Record<string, unknown> = { all: await allPages(service, '/reports/churn', {}) };
  for (const customerName of views.customerNames) churn[`customer ${customerName}`] = await allPages(service, '/reports/churn', { customerName });
  for (const managerName of views.managerNames) churn[`manager ${managerName}`] = await allPages(service, '/reports/churn', { managerName });
  return { contribution, composition, services, churn };
}

/** The same, computed from the world in the test. */
export function expectedReports(world: SalesWorld, views: ReportViews): Awaited<ReturnType<typeof readReports>> {
  const contribution: Record<string, unknown> = { all: expectedContribution(world) };
  for (const year of views.years) contribution[`year ${year}`] = expectedContribution(world, { year });
  for (const customerName of views.customerNames) {
    contribution[`name ${customerName}`] = expectedContribution(world, { customerName });
    contribution[`name ${customerName}, ${views.years[0]}`] = expectedContribution(world, { customerName, year: views.years[0] });
  }
  const composition: Record<string, unknown> = {};
  for (const by of DIMENSIONS) composition[by] = expectedComposition(world, by);
  const services: Record<string, unknown> = { all: expectedServices(world) };
  for (const year of views.years) services[`year ${year}`] = expectedServices(world, year);
  const churn: Record<string, unknown> = { all: expectedChurn(world) };
  for (const customerName of views.customerNames) churn[`customer ${customerName}`] = expectedChurn(world, { customerName });
  for (const managerName of views.managerNames) churn[`manager ${managerName}`] = expectedChurn(world, { managerName });
  return { contribution, composition, services, churn };
}
